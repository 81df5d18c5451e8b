from django.db import migrations

from ea_portal.markdown import fill_rendered_html


def fill(apps, schema_editor):
    fill_rendered_html(apps.get_model("resources", "Resource"), {"description": "description_html"})
    fill_rendered_html(apps.get_model("resources", "FAQ"), {"answer": "answer_html"})
    fill_rendered_html(apps.get_model("resources", "NewsletterIssue"), {"body": "body_html"})


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0005_markdown_limits_and_stored_html"),
    ]

    # Backwards, the HTML columns are dropped by the previous migration: nothing to undo here.
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
