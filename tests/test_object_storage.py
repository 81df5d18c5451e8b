"""Resource files in an S3-compatible bucket: uploaded through the portal's form, downloaded through its view
(counted, drafts refused), streamed block by block. Runs against moto's S3 server in its own process."""

import pytest
from botocore.response import StreamingBody
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ea_portal.settings import s3_storage
from resources.models import Resource
from resources.storage import StreamingS3Storage
from tests.s3server import new_bucket, s3_client, s3_environment, s3_server  # noqa: F401 (the session's S3 server)
from tests.test_resources_uploads import PDF_BYTES
from tests.test_settings import manage

pytestmark = pytest.mark.django_db

MIB = 1024 * 1024


@pytest.fixture
def bucket(s3_server, settings, tmp_path):  # noqa: F811
    """A fresh bucket, made the default storage exactly as the settings do from DJANGO_S3_* variables."""
    name = new_bucket(s3_server)
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage(s3_environment(s3_server, name))}
    # Anything written to local disk instead would land here.
    settings.MEDIA_ROOT = tmp_path
    return name


def stored_keys(endpoint, bucket):
    return [item["Key"] for item in s3_client(endpoint).list_objects_v2(Bucket=bucket).get("Contents", [])]


def upload(client, content, name="Scrutiny toolkit.pdf", title="Scrutiny toolkit"):
    data = {"title": title, "kind": "tool", "file": SimpleUploadedFile(name, content)}
    response = client.post(reverse("resources:resource_create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Resource.objects.get(title=title)


def download(client, resource):
    return client.get(reverse("resources:resource_download", args=[resource.slug]))


def test_the_settings_select_the_streaming_s3_storage(bucket):
    assert isinstance(default_storage, StreamingS3Storage)
    assert default_storage.bucket_name == bucket


def test_upload_goes_to_the_bucket_and_the_download_returns_the_same_bytes(
    s3_server,  # noqa: F811
    bucket,
    client_for,
    facilitator,
    tmp_path,
):
    resource = upload(client_for(facilitator), PDF_BYTES)
    assert stored_keys(s3_server, bucket) == [resource.file.name]
    assert resource.file.name.startswith("resources/") and "toolkit" not in resource.file.name
    assert not any(path.is_file() for path in tmp_path.rglob("*"))
    Resource.objects.filter(pk=resource.pk).update(published=True)

    response = download(client_for(None), resource)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Length"] == str(len(PDF_BYTES))
    assert response["Content-Type"] == "application/pdf"
    assert 'attachment; filename="Scrutiny_toolkit.pdf"' in response["Content-Disposition"]
    resource.refresh_from_db()
    assert resource.download_count == 1


def test_a_draft_in_the_bucket_is_not_served_to_visitors(bucket, client_for, facilitator, lead_a):
    resource = upload(client_for(facilitator), PDF_BYTES)
    assert download(client_for(None), resource).status_code == 404
    assert download(client_for(lead_a), resource).status_code == 404
    response = download(client_for(facilitator), resource)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_a_large_file_is_streamed_not_fetched_whole(bucket, client_for, facilitator, monkeypatch):
    content = PDF_BYTES + b"0" * (3 * MIB)
    resource = upload(client_for(facilitator), content)
    fetched = {"bytes": 0}
    original = StreamingBody.read

    def counting_read(self, amt=None):
        data = original(self, amt)
        fetched["bytes"] += len(data)
        return data

    monkeypatch.setattr(StreamingBody, "read", counting_read)
    response = download(client_for(facilitator), resource)
    assert response["Content-Length"] == str(len(content))
    chunks = iter(response.streaming_content)
    first = next(chunks)
    # The first block reaches the client when only that block has been fetched from the bucket.
    assert fetched["bytes"] <= 64 * 1024
    assert first + b"".join(chunks) == content
    assert fetched["bytes"] == len(content)


def test_a_missing_object_is_a_404_not_a_500(s3_server, bucket, client_for, facilitator):  # noqa: F811
    resource = upload(client_for(facilitator), PDF_BYTES)
    s3_client(s3_server).delete_object(Bucket=bucket, Key=resource.file.name)
    assert download(client_for(facilitator), resource).status_code == 404


def test_replacing_the_file_removes_the_old_object(s3_server, bucket, client_for, facilitator):  # noqa: F811
    client = client_for(facilitator)
    resource = upload(client, PDF_BYTES)
    old_name = resource.file.name
    data = {"title": resource.title, "kind": "tool", "file": SimpleUploadedFile("v2.txt", b"Second version\n")}
    response = client.post(reverse("resources:resource_edit", args=[resource.slug]), data)
    assert response.status_code == 302
    resource.refresh_from_db()
    assert stored_keys(s3_server, bucket) == [resource.file.name]
    assert resource.file.name != old_name


def test_readyz_checks_the_bucket(client, bucket, settings, s3_server):  # noqa: F811
    assert client.get("/readyz").json()["checks"]["storage"] == "ok"
    # Credentials the server refuses: the storage check fails and says so.
    broken = s3_storage({**s3_environment(s3_server, bucket), "DJANGO_S3_ENDPOINT_URL": "http://127.0.0.1:9"})
    settings.STORAGES = {**settings.STORAGES, "default": broken}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["storage"]


def test_the_environment_selects_the_bucket_and_local_disk_otherwise():
    show = "from django.core.files.storage import storages; s = storages['default']; print(type(s).__name__)"
    environment = s3_environment("http://127.0.0.1:9", "ea-portal-files")
    # The shell's last line is ours (it starts by saying what it imported).
    assert manage("shell", "-c", show, **environment).stdout.splitlines()[-1] == "StreamingS3Storage"
    assert manage("shell", "-c", show).stdout.splitlines()[-1] == "FileSystemStorage"


def test_files_backed_up_from_the_bucket_and_restored_into_another_are_served_again(
    s3_server,  # noqa: F811
    bucket,
    client_for,
    facilitator,
    settings,
    tmp_path,
):
    """The README's backup and restore of files, done as `aws s3 sync` does it: every object copied out by its
    key, then into an empty bucket; the portal, pointed at that bucket, serves the same bytes."""
    content = PDF_BYTES + b"0" * (3 * MIB)
    resource = upload(client_for(facilitator), content)
    Resource.objects.filter(pk=resource.pk).update(published=True)
    s3 = s3_client(s3_server)
    backup = tmp_path / "backup"
    for key in stored_keys(s3_server, bucket):
        (backup / key).parent.mkdir(parents=True, exist_ok=True)
        s3.download_file(bucket, key, str(backup / key))
    restored = new_bucket(s3_server)
    for path in backup.rglob("*"):
        if path.is_file():
            s3.upload_file(str(path), restored, path.relative_to(backup).as_posix())
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage(s3_environment(s3_server, restored))}
    response = download(client_for(None), resource)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
