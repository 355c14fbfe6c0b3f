"""The admin's change pages, posted back as a person would."""


def change_form_data(client, url):
    """What the change page at url posts back unchanged: its form's and inlines' initial
    data (files left out)."""
    page = client.get(url).context
    form = page["adminform"].form
    data = {}
    for name, value in form.initial.items():
        if value is None or name in form.files or name == "logo":
            continue
        if isinstance(value, list | tuple):
            value = [getattr(item, "pk", item) for item in value]
        data[name] = value
    for inline in page["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(k): v for k, v in management.initial.items()})
        for row in formset.initial_forms:
            data.update({row.add_prefix(k): v for k, v in row.initial.items() if v is not None})
    return data
