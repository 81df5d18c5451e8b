from django.db import migrations

# SearchEntry now belongs to the search app (search 0001 takes it over with its table, rows and indexes); here
# it only leaves this app's state. Nothing in the database changes.


class Migration(migrations.Migration):
    dependencies = [
        ("ea_portal", "0001_search_entry"),
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SearchEntry")],
            database_operations=[],
        ),
    ]
