from modeltranslation.translator import TranslationOptions, register

from principles.models import Commitment, DevelopmentArea, PlanItem, Principle


@register(Principle)
class PrincipleTranslation(TranslationOptions):
    fields = ("title", "description")


@register(Commitment)
class CommitmentTranslation(TranslationOptions):
    fields = ("text",)


@register(DevelopmentArea)
class DevelopmentAreaTranslation(TranslationOptions):
    fields = ("title", "aim")


@register(PlanItem)
class PlanItemTranslation(TranslationOptions):
    fields = ("text",)
