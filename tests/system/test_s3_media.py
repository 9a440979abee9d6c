"""The S3 media option for real: Django subprocesses with the production settings
(``DJANGO_ENV=production`` and ``DJANGO_S3_BUCKET``, ``DJANGO_S3_ENDPOINT_URL``, ``DJANGO_S3_REGION``,
``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``), talking HTTP to moto's S3 server on loopback.

Settings are read from the environment when Django starts, so overriding them inside this test
process would not test what a deployment runs. Each step below is a fresh Django process over the
same SQLite file (whatever database the suite itself runs on); the test process looks at the
bucket with boto3, as an operator would.
"""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import urllib.request
import zipfile
from urllib.parse import parse_qs, urlsplit

import pytest

from bench import stack
from tests.stackutil import unmet

BUCKET = "readiness-media-test"
# us-east-1 is boto's default region and the one where botocore still presigns with the
# retired Signature Version 2 unless told otherwise: the URL checks below must see SigV4 here.
REGION = "us-east-1"
ACCESS_KEY, SECRET_KEY = "moto-test-access-key", "moto-test-secret-key"
PUBLIC_GRANTEES = ("http://acs.amazonaws.com/groups/global/AllUsers",
                   "http://acs.amazonaws.com/groups/global/AuthenticatedUsers")

# Run in the Django subprocess: `python -c STEP <step> <argument>`; prints one RESULT line.
STEP = r"""
import hashlib, json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from django.conf import settings
from django.core.files.storage import default_storage, storages
from readiness.models import Assessment
from reports.models import ReportBundle, StoredReport
from readiness.privacy import assessment_erase
from reports.services import report_get_or_render
from reports.tasks import build_report_bundle
from tests.factories import make_submitted

step, argument = sys.argv[1], sys.argv[2]
sha = lambda content: hashlib.sha256(content).hexdigest()
out = {}
if step == "prepare":  # what a deploy runs first (bench.stack.prepare), in one process
    from django.core.management import call_command
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_framework", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the report links its CSS
elif step == "store":
    assessment, _ = make_submitted(company_name=argument)
    first = report_get_or_render(assessment=assessment)
    second = report_get_or_render(assessment=assessment)
    stored = StoredReport.objects.get(assessment=assessment)
    bundle = ReportBundle.objects.create(total=1)
    bundle.assessments.set([assessment])
    build_report_bundle.call(bundle.pk)  # the worker's task, run here
    bundle.refresh_from_db()
    storage = type(storages["default"])  # default_storage is a lazy proxy of it
    out = {
        "storage": f"{storage.__module__}.{storage.__qualname__}",
        "bucket": default_storage.bucket_name, "endpoint": default_storage.endpoint_url,
        "default_acl": default_storage.default_acl,
        "querystring_auth": default_storage.querystring_auth,
        "querystring_expire": default_storage.querystring_expire,
        "url": default_storage.url(stored.file.name),
        "media_root": str(settings.MEDIA_ROOT),
        "assessment": assessment.pk, "public_id": str(assessment.public_id),
        "report": stored.file.name, "first": sha(first.content), "second": sha(second.content),
        "reused": [first.reused, second.reused], "size": stored.size,
        "bundle": bundle.file.name, "bundle_status": bundle.status,
        "filename": first.filename,
    }
elif step == "render":
    report = report_get_or_render(assessment=Assessment.objects.get(pk=argument))
    stored = StoredReport.objects.get(assessment_id=argument)
    out = {"reused": report.reused, "sha": sha(report.content), "report": stored.file.name}
elif step == "erase":
    erasure = assessment_erase(assessment=Assessment.objects.get(pk=argument))
    out = {"erased": erasure.assessment_id,
           "reports": StoredReport.objects.filter(assessment_id=argument).count(),
           "bundles": ReportBundle.objects.count()}
print("RESULT " + json.dumps(out))
"""


def _require_moto() -> None:
    """Fail in CI, skip (with the named precondition) elsewhere, without the S3 test tools."""
    try:
        import boto3  # noqa: F401
        import storages.backends.s3  # noqa: F401
        from moto.server import ThreadedMotoServer  # noqa: F401
    except ImportError as error:
        unmet("moto[server] and django-storages[s3] installed (the `dev` extra: "
              f"pip install -e '.[dev]'); missing: {error.name}")


@pytest.fixture(scope="module")
def s3():
    """moto's S3 server on a free loopback port, with an empty private bucket."""
    _require_moto()
    import boto3
    from moto.server import ThreadedMotoServer

    port = stack.free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{port}"
        client = boto3.client("s3", endpoint_url=endpoint, region_name=REGION,
                              aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)
        client.create_bucket(Bucket=BUCKET)
        yield endpoint, client
    finally:
        server.stop()


@pytest.fixture(scope="module")
def site(s3, tmp_path_factory):
    """The environment of a production deployment with media on the bucket, migrated."""
    endpoint, _ = s3
    work = tmp_path_factory.mktemp("s3-media")
    env = stack.stack_env(
        f"sqlite:///{work / 'db.sqlite3'}", None, work / "static",
        DJANGO_S3_BUCKET=BUCKET, DJANGO_S3_ENDPOINT_URL=endpoint, DJANGO_S3_REGION=REGION,
        # Nothing may land on local disk: this directory must stay absent.
        DJANGO_MEDIA_ROOT=str(work / "media"),
    )
    # The machine's own AWS settings (profiles, endpoints, keys) must not leak in.
    env = {k: v for k, v in env.items() if not k.startswith("AWS_")} | {
        "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_CONFIG_FILE": str(work / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(work / "no-aws-credentials"),
    }
    run(env, "prepare", "")
    return env, work


def run(env: dict[str, str], step: str, argument: str) -> dict:
    done = subprocess.run([stack.PYTHON, "-c", STEP, step, argument], cwd=stack.ROOT,  # noqa: S603
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert done.returncode == 0 and lines, f"step {step} failed:\n{done.stdout}\n{done.stderr}"
    return json.loads(lines[-1].removeprefix("RESULT "))


def keys(client, prefix: str = "") -> list[str]:
    listing = client.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def body(client, key: str) -> bytes:
    return client.get_object(Bucket=BUCKET, Key=key)["Body"].read()


def assert_private(client, key: str) -> None:
    grants = client.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    public = [g for g in grants if g["Grantee"].get("URI") in PUBLIC_GRANTEES]
    assert not public, f"{key} is readable by {public}"
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]  # the owner's, nobody else's


def test_reports_and_bundles_are_private_objects_in_the_bucket(s3, site):
    _, client = s3
    env, work = site
    result = run(env, "store", "Bucket Works Ltd")

    # The production settings chose S3 storage, with private objects and signed URLs.
    assert result["storage"] == "storages.backends.s3.S3Storage"
    assert (result["bucket"], result["endpoint"]) == (BUCKET, env["DJANGO_S3_ENDPOINT_URL"])
    # No ACL is sent: objects get the bucket's own, private, and buckets with ACLs disabled
    # (the AWS default) refuse uploads that set one.
    assert result["default_acl"] is None
    assert (result["querystring_auth"], result["querystring_expire"]) == (True, 300)

    # The stored report is an object of the bucket, under a path that does not name the firm.
    report = result["report"]
    assert report.startswith(f"reports/{result['public_id']}/") and report.endswith(".pdf")
    assert "Bucket" not in report
    assert keys(client, f"reports/{result['public_id']}/") == [report]
    assert result["bundle"] in keys(client, "report-bundles/")
    # Read back byte-identical: from the bucket, and by the second download (the stored file).
    assert result["reused"] == [False, True]
    content = body(client, report)
    assert content.startswith(b"%PDF") and len(content) == result["size"]
    assert hashlib.sha256(content).hexdigest() == result["first"] == result["second"]
    head = client.head_object(Bucket=BUCKET, Key=report)
    assert head["ContentType"] == "application/pdf"
    assert_private(client, report)

    # The bundle built by the worker's task is a ZIP in the bucket holding that same PDF.
    assert result["bundle_status"] == "ready"
    assert result["bundle"].startswith("report-bundles/") and result["bundle"].endswith(".zip")
    assert_private(client, result["bundle"])
    with zipfile.ZipFile(io.BytesIO(body(client, result["bundle"]))) as archive:
        assert archive.namelist() == [result["filename"]]
        assert archive.read(result["filename"]) == content

    # Any URL handed out is signed (SigV4), expires after 5 minutes, and works.
    url = result["url"]
    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"], url
    assert query["X-Amz-Expires"] == ["300"] and query["X-Amz-Signature"], url
    assert f"/{REGION}/s3/aws4_request" in query["X-Amz-Credential"][0]
    assert url.startswith(f"{env['DJANGO_S3_ENDPOINT_URL']}/{BUCKET}/{report}?")
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback moto)
        assert response.read() == content

    assert not (work / "media").exists()  # nothing went to the local media directory


def test_a_missing_object_is_stored_again_and_erasing_deletes_the_objects(s3, site):
    _, client = s3
    env, _ = site
    stored = run(env, "store", "Erased Works Ltd")
    others = sorted(set(keys(client)) - {stored["report"], stored["bundle"]})

    # The object is gone (a restored bucket, say): S3's 404 reaches the service as a missing
    # file, and the report is rendered and stored again.
    client.delete_object(Bucket=BUCKET, Key=stored["report"])
    again = run(env, "render", str(stored["assessment"]))
    assert again["reused"] is False
    assert keys(client, f"reports/{stored['public_id']}/") == [again["report"]]
    assert hashlib.sha256(body(client, again["report"])).hexdigest() == again["sha"]

    # The firm erases its data: the report and the bundle holding it leave the bucket.
    erased = run(env, "erase", str(stored["assessment"]))
    assert erased["erased"] == stored["public_id"] and erased["reports"] == 0
    assert keys(client, f"reports/{stored['public_id']}/") == []
    assert stored["bundle"] not in keys(client)
    assert keys(client) == others  # other firms' files stay
