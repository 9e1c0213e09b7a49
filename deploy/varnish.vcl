# Varnish 7.1 (Debian's `varnish`) with varnish-modules' xkey: the edge cache in front of
# gunicorn (docs/deploy.md: nginx -> Varnish -> gunicorn).
#
# - Caches anonymous GET/HEAD pages for as long as the app's Cache-Control allows
#   (s-maxage; a page a scheduled publication will change carries a shorter one).
# - Never caches signed-in or preview traffic: requests with a session, an Authorization
#   header or a preview/token parameter pass; responses marked private/no-store are not kept.
# - Purges by tag: the app sends `PURGE` with an `xkey-purge: tag1 tag2 …` header after each
#   change commits (caching/edge.py, VARNISH_PURGE_URLS); accepted only from `app_servers`.
# - Assembles includes (ESI): the app sends Recent Articles as an <esi:include> to a cache that
#   says it can (Surrogate-Capability, set here on backend requests only), so a publication
#   purges that one fragment rather than every article page (caching/includes.py).
# - Run varnishd with deploy/varnish.params (`-p name=value` each): pages carry long tag
#   headers, longer than Varnish's default limits allow (each would be a 503).
vcl 4.1;

import std;
import xkey;

backend default {
    .host = "127.0.0.1";
    .port = "8000";
}

# The app servers allowed to purge. Edit to list yours.
acl app_servers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    # Only this cache may ask the app for includes (vcl_backend_fetch); never a reader.
    unset req.http.Surrogate-Capability;
    if (req.method == "PURGE") {
        if (client.ip !~ app_servers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "xkey-purge header required"));
        }
        set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.n-gone));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/(admin|preview)/" || req.url ~ "^/healthz" || req.url ~ "[?&](preview|token)=") {
        return (pass);
    }
    if (req.http.Authorization || req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    # Other cookies (analytics never set by us, a stale messages cookie) do not change the
    # page for an anonymous reader: the app decides; drop them so the page can be shared.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_backend_fetch {
    set bereq.http.Surrogate-Capability = {"varnish="ESI/1.0""};
}

sub vcl_backend_response {
    if (beresp.http.Surrogate-Control ~ "ESI/1.0") {
        unset beresp.http.Surrogate-Control;
        set beresp.do_esi = true;
    }
    if (beresp.http.Set-Cookie || beresp.http.Cache-Control ~ "(private|no-store|no-cache)") {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # Varnish reads s-maxage / max-age itself; nothing without a Cache-Control is kept.
    if (!beresp.http.Cache-Control) {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
    }
    return (deliver);
}

sub vcl_deliver {
    # Tags are for caches, not for readers. Varnish is the edge (no CDN purged by
    # Surrogate-Key sits in front; a CDN in front only honours s-maxage): drop both. With a
    # CDN purged by surrogate key (Fastly…), keep Surrogate-Key: the CDN strips it itself.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    if (obj.hits > 0) {
        set resp.http.X-Edge-Cache = "HIT";
    } else {
        set resp.http.X-Edge-Cache = "MISS";
    }
}
