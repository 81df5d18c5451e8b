import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

# SearchEntry was the project app's (ea_portal) model until search became its own app. Its table, the table of
# its theme links and its PostgreSQL search indexes were made by ea_portal 0001 and are kept as they are: this
# migration only tells Django's state that the model now belongs here (ea_portal 0002 removes it from there),
# so an existing database upgrades without touching a row.


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("ea_portal", "0001_search_entry"),
        ("partnerships", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SearchEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("example", "Learning example"),
                                    ("resource", "Resource"),
                                    ("faq", "FAQ"),
                                    ("newsletter", "Newsletter issue"),
                                    ("theme", "Theme"),
                                    ("partnership", "Early Adopter partnership"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("object_id", models.PositiveBigIntegerField()),
                        ("title", models.CharField(max_length=300)),
                        ("url", models.CharField(max_length=500)),
                        (
                            "themes_text",
                            models.TextField(blank=True, help_text="The names of the themes, weighted like the title."),
                        ),
                        ("summary", models.TextField(blank=True)),
                        ("body", models.TextField(blank=True)),
                        ("names", models.TextField(blank=True)),
                        ("stage", models.CharField(blank=True, help_text="A learning example's stage.", max_length=30)),
                        (
                            "resource_kind",
                            models.CharField(blank=True, help_text="A resource's kind.", max_length=20),
                        ),
                        (
                            "date",
                            models.DateTimeField(
                                blank=True, help_text="Published or last updated; sorts by date.", null=True
                            ),
                        ),
                        (
                            "search_vector",
                            django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
                        ),
                        (
                            "partnership",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="partnerships.partnership",
                            ),
                        ),
                        (
                            "themes",
                            models.ManyToManyField(blank=True, related_name="+", to="partnerships.theme"),
                        ),
                    ],
                    options={
                        "verbose_name_plural": "search entries",
                        "db_table": "ea_portal_searchentry",
                        "ordering": ["kind", "title"],
                        "indexes": [models.Index(fields=["-date"], name="searchentry_date_idx")],
                        "constraints": [
                            models.UniqueConstraint(fields=("kind", "object_id"), name="searchentry_unique_object")
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
