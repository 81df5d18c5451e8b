"""Where resource files live: local disk by default, an S3-compatible bucket when DJANGO_S3_BUCKET is set.

django-storages' own S3 file downloads the whole object (into memory, or a temporary file) before the first
byte can be read. Downloads here go through the portal's view, which counts them and refuses drafts, so the
files opened for reading stream from the bucket block by block instead: a worker never holds a whole file.
"""

from botocore.exceptions import ClientError
from django.core.files.base import File
from storages.backends.s3 import S3Storage
from storages.utils import clean_name


class StreamedObject(File):
    """A file read straight from the bucket's response, in order. Its size comes from the response, since it
    cannot seek to find it."""

    def __init__(self, body, name, size):
        super().__init__(body, name)
        self.size = size

    def seekable(self):
        return False


class StreamingS3Storage(S3Storage):
    def _open(self, name, mode="rb"):
        if mode != "rb":
            return super()._open(name, mode)
        key = self._normalize_name(clean_name(name))
        try:
            response = self.bucket.Object(key).get()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
                raise FileNotFoundError(f"File does not exist: {name}") from error
            raise
        return StreamedObject(response["Body"], name, response["ContentLength"])
