"""The optional wound photo on a check-in: cleaned like a radiograph, seen by the team only."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import ExifTags, Image, ImageOps
from pytest_django import Settings

from halluxpath.accounts.models import Role
from halluxpath.aftercare import actions, photos
from halluxpath.aftercare.actions import check_ins
from halluxpath.aftercare.models import CheckIn
from halluxpath.aftercare.schemas import CheckInInput
from halluxpath.audit.context import Actor
from halluxpath.audit.models import AuditEvent
from halluxpath.imaging.limits import UploadRefused
from tests.conftest import Clinic, make_user
from tests.imaging.test_ingest import png_header_only

QUIET = {"pain_score": "3", "discharge": "none", "bleeding": "none", "numbness": "none"}
GPS_LATITUDE = (51.0, 30.0, 12.5)
SERIAL = "SN-7743-0091"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def media_files(settings: Any) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def phone_jpeg(width: int = 800, height: int = 600, *, orientation: int = 6) -> bytes:
    """A phone-like JPEG: red left half, blue right half, with GPS, serial and orientation."""
    image = Image.new("RGB", (width, height), (200, 30, 30))
    image.paste((30, 30, 200), (width // 2, 0, width, height))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.BodySerialNumber] = SERIAL
    exif[ExifTags.Base.DateTime] = "2026:11:24 21:14:03"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = GPS_LATITUDE
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (0.0, 7.0, 39.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=90)
    return buffer.getvalue()


def png(width: int = 640, height: int = 480) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (width, height), (10, 120, 60, 128)).save(buffer, "PNG")
    return buffer.getvalue()


def clean(data: bytes) -> bytes:
    return photos.clean_wound_photo(io.BytesIO(data), len(data))


def send(client: Client, photo: bytes, name: str = "wound.jpg", **answers: Any) -> Any:
    upload = SimpleUploadedFile(name, photo, content_type="image/jpeg")
    return client.post(
        reverse("aftercare:check_in"), {**QUIET, **answers, "wound_photo": upload}, follow=True
    )


@pytest.fixture
def patient(clinic: Clinic, client: Client) -> Client:
    client.force_login(clinic.user(Role.PATIENT))
    return client


def test_a_phone_photo_is_stored_upright_without_location_serial_or_any_exif() -> None:
    original = phone_jpeg()
    assert b"Exif" in original
    assert SERIAL.encode() in original
    stored = clean(original)
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG"
    assert len(image.getexif()) == 0
    assert "exif" not in image.info
    assert "icc_profile" not in image.info
    for marker in (b"Exif", b"GPS", b"PhoneMaker", SERIAL.encode(), b"2026:11:24"):
        assert marker not in stored
    # Orientation 6: the 800 × 600 sensor image is shown 600 wide, 800 tall, red on top.
    assert image.size == (600, 800)
    expected = ImageOps.exif_transpose(Image.open(io.BytesIO(original)))
    assert expected.getpixel((300, 100)) == pytest.approx(image.getpixel((300, 100)), abs=12)
    red, _, blue = image.convert("RGB").getpixel((300, 100))  # type: ignore[misc]
    assert red > 150 > blue


def test_a_large_photo_is_shrunk_to_2048_pixels_on_its_long_side() -> None:
    stored = Image.open(io.BytesIO(clean(phone_jpeg(4032, 3024, orientation=1))))
    assert max(stored.size) == photos.MAX_LONG_SIDE
    assert stored.size == (2048, 1536)


def test_a_7000_pixel_png_is_refused_before_its_bitmap_is_decoded() -> None:
    """Issue 12 item 15: it took 6 to 7 s and about 1.3 GB of a web worker."""
    with pytest.raises(UploadRefused, match=r"too large \(7000 × 7000 pixels"):
        clean(png_header_only(7000, 7000))


def test_a_screenshot_sized_png_is_shrunk_like_a_photo() -> None:
    picture = io.BytesIO()
    Image.new("RGB", (1290, 2796), (200, 60, 40)).save(picture, "PNG")
    stored = Image.open(io.BytesIO(clean(picture.getvalue())))
    assert stored.format == "JPEG"
    assert stored.size == (945, 2048)


def test_a_png_is_accepted_and_stored_as_jpeg(patient: Client, settings: Settings) -> None:
    response = send(patient, png(), name="wound.png")
    assert "Nothing you told us needs action now" in response.content.decode()
    saved = CheckIn.objects.get()
    assert saved.photo.startswith("wound-photos/")
    assert saved.photo.endswith(".jpg")
    assert len(saved.photo_sha256) == 64
    stored = Image.open(Path(settings.MEDIA_ROOT) / saved.photo)
    assert stored.format == "JPEG"


def test_the_check_in_with_a_photo_is_audited_without_the_photo(patient: Client) -> None:
    send(patient, phone_jpeg(), redness_spreading="on")
    saved = CheckIn.objects.get()
    event = AuditEvent.objects.get(object_type="check_in", object_id=str(saved.pk), action="create")
    assert event.detail["photo_attached"] is True
    assert set(event.detail) == {"level", "rules", "photo_attached"}


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"Dear doctor, my foot hurts.\n", "wound.jpg", "not a photo"),
        (phone_jpeg()[:1500], "wound.jpg", "damaged or incomplete"),
        (png_header_only(10_000, 10_000), "wound.png", "megapixels"),
        (png_header_only(100_000, 100_000), "wound.png", "megapixels"),
        (png_header_only(120, 90), "wound.png", "too small to be a wound photo"),
        (b"\xff\xd8\xff\xe0" + b"\0" * (15 * 1024 * 1024), "wound.jpg", "the limit is 15 MB"),
        (b"\0\0\0\x18ftypheic" + b"\0" * 64, "wound.heic", "HEIC"),
    ],
    ids=["text-renamed", "truncated", "bomb", "huge-bomb", "tiny", "oversized", "heic"],
)
def test_a_bad_photo_is_refused_clearly_but_the_answers_still_reach_triage(
    patient: Client, settings: Settings, data: bytes, name: str, message: str
) -> None:
    """A red flag must not wait for a good photo: the answers go, the photo does not."""
    response = send(patient, data, name=name, free_text="The wound is weeping a little")
    body = response.content.decode()
    assert message in body
    assert "Your answers were sent, but not the photo" in body
    saved = CheckIn.objects.get()
    assert saved.free_text == "The wound is weeping a little"
    assert (saved.photo, saved.photo_sha256) == ("", "")
    assert media_files(settings) == []


def test_refusals_are_in_words_a_patient_understands() -> None:
    with pytest.raises(UploadRefused, match="choose a JPEG or PNG picture"):
        clean(b"%PDF-1.7 not a picture")
    with pytest.raises(UploadRefused, match="empty"):
        photos.clean_wound_photo(io.BytesIO(b""), 0)


def test_raw_bytes_cannot_be_stored_without_cleaning(clinic: Clinic) -> None:
    actor = Actor(clinic.user(Role.PATIENT))
    episode = clinic.patient_a.episodes.get()
    with pytest.raises(ValueError, match="clean_wound_photo"):
        actions.submit_check_in(actor, episode.pk, CheckInInput(pain_score=2), photo=phone_jpeg())
    assert not CheckIn.objects.exists()


def test_a_database_failure_removes_the_written_photo(
    clinic: Clinic, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("database went away")

    monkeypatch.setattr(check_ins, "record", broken)
    episode = clinic.patient_a.episodes.get()
    with pytest.raises(OSError, match="went away"):
        actions.submit_check_in(
            Actor(clinic.user(Role.PATIENT)),
            episode.pk,
            CheckInInput(pain_score=2),
            photo=clean(phone_jpeg()),
        )
    assert not CheckIn.objects.exists()
    assert media_files(settings) == []


@pytest.fixture
def photo_url(patient: Client) -> str:
    send(patient, phone_jpeg(), redness_spreading="on")
    return reverse("aftercare:check_in_photo", args=[CheckIn.objects.get().pk])


def test_the_patient_who_sent_it_and_the_team_nurse_see_the_photo(
    clinic: Clinic, patient: Client, photo_url: str
) -> None:
    own = patient.get(photo_url)
    assert own.status_code == 200
    assert own["Content-Type"] == "image/jpeg"
    assert own["Cache-Control"] == "private, no-store"
    assert own["X-Content-Type-Options"] == "nosniff"
    body = own.getvalue()
    assert Image.open(io.BytesIO(body)).size == (600, 800)
    assert hashlib.sha256(body).hexdigest() == CheckIn.objects.get().photo_sha256

    patient.force_login(clinic.user(Role.NURSE))
    assert patient.get(photo_url).status_code == 200
    views = AuditEvent.objects.filter(object_type="check_in_photo", action="view")
    assert [e.actor_username for e in views.filter(outcome="success").order_by("id")] == [
        "patient",
        "nurse",
    ]
    assert {e.patient_id for e in views} == {clinic.patient_a.pk}


@pytest.mark.parametrize("who", ["other-patient", "surgeon-b", "researcher"])
def test_anyone_else_gets_the_same_404_as_for_a_missing_photo(
    clinic: Clinic, client: Client, photo_url: str, who: str
) -> None:
    if who == "other-patient":
        other = make_user("other-patient", Role.PATIENT)
        clinic.patient_b.user = other
        clinic.patient_b.save()
        client.force_login(other)
    elif who == "surgeon-b":
        client.force_login(clinic.surgeon_b)
    else:
        client.force_login(clinic.user(Role.RESEARCHER))
    assert client.get(photo_url).status_code == 404
    assert not AuditEvent.objects.filter(object_type="check_in_photo", outcome="success").exists()
    assert AuditEvent.objects.filter(actor_username=who, outcome="denied").exists()


def test_a_check_in_without_a_photo_and_an_unknown_one_are_404(
    clinic: Clinic, patient: Client
) -> None:
    patient.post(reverse("aftercare:check_in"), QUIET)
    without = CheckIn.objects.get()
    assert without.photo == ""
    assert patient.get(reverse("aftercare:check_in_photo", args=[without.pk])).status_code == 404
    assert patient.get(reverse("aftercare:check_in_photo", args=[99999])).status_code == 404
    patient.logout()
    response = patient.get(reverse("aftercare:check_in_photo", args=[without.pk]))
    assert response.status_code == 302  # to the sign-in page


def test_the_triage_list_and_the_result_page_show_the_photo(
    clinic: Clinic, patient: Client
) -> None:
    response = send(patient, phone_jpeg(), redness_spreading="on")
    url = reverse("aftercare:check_in_photo", args=[CheckIn.objects.get().pk])
    result = response.content.decode()
    assert f'src="{url}"' in result
    assert 'alt="The photo of your wound' in result
    patient.force_login(clinic.user(Role.NURSE))
    listing = patient.get(reverse("aftercare:triage")).content.decode()
    assert f'src="{url}"' in listing
    assert 'alt="Wound photo sent by Ada Lovelace' in listing
