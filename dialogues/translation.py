from modeltranslation.translator import TranslationOptions, register

from dialogues.models import Meeting


@register(Meeting)
class MeetingTranslation(TranslationOptions):
    fields = ("title", "description", "agenda")
