'use strict';
// The article form's tag field (articles/forms.py, TagAutocompleteWidget): the admin's
// select2, fed tag names, where typing a name that does not exist yet makes a new tag.
// Existing tags are listed before the new one, so Enter picks "housing" when you type "hous".
{
    const $ = django.jQuery;

    function initTagField(element) {
        $(element).select2({
            ajax: {
                data: (params) => ({term: params.term, page: params.page})
            },
            tags: true,
            tokenSeparators: [','],
            insertTag: (data, tag) => {
                data.push(tag);
            }
        });
    }

    $(function() {
        $('.tag-autocomplete').not('[name*=__prefix__]').each((index, element) => {
            initTagField(element);
        });
    });
}
