"""What a journal holds: a person, their products, their entries, and every change to them."""

import uuid

from django.db import models

from kratomlog.core.amounts import FORMS as FORMS  # the forms a product comes in

KRATOM, MAGNESIUM, OTHER = "kratom", "magnesium", "other"


class Person(models.Model):
    """Whose journal it is: the local journal has one; a clinic has many."""

    name = models.CharField(max_length=200, default="me")
    timezone = models.CharField(max_length=64)
    dose_unit = models.CharField(max_length=10, default="g")  # for an amount given as a bare number
    crisis_resources = models.TextField(blank=True)  # "name | contact" lines; empty: the default
    # The person's own plan for hard moments (core.coping): shown by Help now, in their words.
    coping_plan = models.JSONField(default=dict, blank=True)
    # A conversation with a care team brought by an import, to read back (journal.conversation).
    earlier_messages = models.JSONField(default=list, blank=True)
    # The first day the record is complete from; empty: the first entry's day. Signals that
    # compare two periods never reach before it.
    journal_started = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class Product(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="products")
    name = models.CharField(max_length=200)
    form = models.CharField(max_length=20, default="powder")
    vein = models.CharField(max_length=100, blank=True)  # colour or vein: red, green, white...
    vendor = models.CharField(max_length=200, blank=True)
    batch = models.CharField(max_length=200, blank=True)
    grams_per_capsule = models.FloatField(null=True, blank=True)
    grams_per_teaspoon = models.FloatField(null=True, blank=True)
    grams_per_ml = models.FloatField(null=True, blank=True)  # a tea's strength (Tea Taper)
    restored_by = models.ForeignKey(
        "Change", null=True, on_delete=models.SET_NULL, related_name="+"
    )  # the JSON import that brought it (undoing the import removes it)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "name"], name="product_name")]


class Change(models.Model):
    """One change to the journal, kept forever; `undo` reverses the latest not yet undone."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="changes")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    at = models.DateTimeField()
    action = models.CharField(max_length=20)  # log, edit, delete, import, plan, undo
    summary = models.CharField(max_length=500)
    entry = models.ForeignKey("Entry", null=True, on_delete=models.SET_NULL, related_name="+")
    before = models.JSONField(null=True)
    after = models.JSONField(null=True)
    undone = models.BooleanField(default=False)
    # A change of another journal that a JSON import brought: history, never undone here.
    restored_by = models.ForeignKey(
        "self", null=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["person", "at"])]


class Entry(models.Model):
    """Something taken: a kratom dose, magnesium, or another substance or medicine."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="entries")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    substance = models.CharField(max_length=20)  # kratom, magnesium or other
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=40, blank=True)
    amount = models.FloatField(null=True)  # as given, in `unit`
    unit = models.CharField(max_length=40, blank=True)
    grams = models.FloatField(null=True)  # kratom only
    elemental_mg = models.FloatField(null=True)  # magnesium only
    compound = models.CharField(max_length=40, blank=True)  # magnesium: citrate, oxide, ...
    product = models.ForeignKey(Product, null=True, on_delete=models.SET_NULL)
    form = models.CharField(max_length=20, blank=True)
    purpose = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    taken_at = models.DateTimeField()
    timezone = models.CharField(max_length=64)  # the person's zone when it was taken
    local_day = models.DateField()  # taken_at's day in that zone
    source = models.CharField(max_length=20, default="manual")
    source_key = models.CharField(max_length=128, null=True)  # re-importing a file adds nothing
    # The row as its app last gave it (import_match.digest_of_row): a re-import of a row the app
    # has not changed leaves the entry as it is, with any edit made to it here.
    source_digest = models.CharField(max_length=16, null=True)
    imported_by = models.ForeignKey(Change, null=True, on_delete=models.SET_NULL, related_name="+")
    deleted = models.BooleanField(default=False)
    restored_by = models.ForeignKey(
        Change, null=True, on_delete=models.SET_NULL, related_name="+"
    )  # the JSON import that brought it (undoing the import removes it)

    class Meta:
        indexes = [models.Index(fields=["person", "substance", "deleted", "local_day"])]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "source_key"],
                condition=models.Q(source_key__isnull=False),
                name="entry_source_key",
            )
        ]


class SubstanceCategory(models.Model):
    """What a person says a substance is, by name (lower case): it wins over kratomlog's table,
    for logging and for every later import; an import never writes it."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "name"], name="substance_category_name")
        ]
