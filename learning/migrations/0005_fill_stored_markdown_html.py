from django.db import migrations

from ea_portal.markdown import fill_rendered_html

EXAMPLE_FIELDS = ["summary", "context", "what_was_done", "helped_and_hindered", "impact_and_evidence", "resources_needed"]


def fill(apps, schema_editor):
    fill_rendered_html(apps.get_model("learning", "LearningExample"), {name: f"{name}_html" for name in EXAMPLE_FIELDS})
    fill_rendered_html(apps.get_model("learning", "CuratedItem"), {"text": "text_html"})


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0004_markdown_limits_and_stored_html"),
    ]

    # Backwards, the HTML columns are dropped by the previous migration: nothing to undo here.
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
