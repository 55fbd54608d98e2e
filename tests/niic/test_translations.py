"""The Spanish interface: the catalogue is complete and compiled, and /es/ pages use it."""

import ast
import gettext
import re
from dataclasses import dataclass, field

import pytest
from django.conf import settings

CATALOGUE = settings.BASE_DIR / "locale" / "es" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%%|%(?:\([a-z_]+\))?[sd]")
MSGSTR = re.compile(r"msgstr(?:\[(?P<form>\d+)\])?")


@dataclass
class Entry:
    flags: set = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict = field(default_factory=dict)  # {None: singular} or {0: …, 1: …} for plurals

    @property
    def key(self):
        """The entry's key in a compiled catalogue (gettext joins a context with EOT)."""
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"


def read_po(path):
    """A minimal PO reader: enough for the files makemessages writes (obsolete entries skipped)."""
    entries, entry, field_name = [], Entry(), None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line:
            if field_name is not None:
                entries.append(entry)
            entry, field_name = Entry(), None
            continue
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            text = ast.literal_eval(line)
        else:
            field_name, literal = line.split(" ", 1)
            text = ast.literal_eval(literal)
            if msgstr := MSGSTR.fullmatch(field_name):
                form = None if msgstr["form"] is None else int(msgstr["form"])
                entry.msgstr[form] = ""
            else:
                setattr(entry, field_name, "")
        if MSGSTR.fullmatch(field_name):
            entry.msgstr[form] += text
        else:
            setattr(entry, field_name, getattr(entry, field_name) + text)
    return entries


@pytest.fixture(scope="module")
def po_entries():
    entries = read_po(CATALOGUE / "django.po")
    assert entries[0].msgid == "", "the catalogue starts with its header"
    return entries


@pytest.fixture(scope="module")
def messages(po_entries):
    return po_entries[1:]


def test_the_catalogue_header_says_spanish_with_two_plural_forms(po_entries):
    header = po_entries[0].msgstr[None]
    assert "Language: es\n" in header
    assert "Content-Type: text/plain; charset=UTF-8\n" in header
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in header
    assert "fuzzy" not in po_entries[0].flags


def test_every_message_is_translated_and_none_is_fuzzy(messages):
    assert len(messages) > 100
    untranslated = [m.msgid for m in messages if not all(m.msgstr.values())]
    fuzzy = [m.msgid for m in messages if "fuzzy" in m.flags]
    plurals_without_two_forms = [
        m.msgid for m in messages if m.msgid_plural is not None and set(m.msgstr) != {0, 1}
    ]
    assert (untranslated, fuzzy, plurals_without_two_forms) == ([], [], [])


def test_translations_keep_every_placeholder(messages):
    mismatched = []
    for message in messages:
        if message.msgid_plural is None:
            pairs = [(message.msgid, message.msgstr[None])]
        else:
            pairs = [(message.msgid, message.msgstr[0]), (message.msgid_plural, message.msgstr[1])]
        for source, translation in pairs:
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translation)):
                mismatched.append((source, translation))
    assert mismatched == []


def test_the_compiled_catalogue_matches_the_po_file(messages):
    """Fails when the .po was edited and `compilemessages` was not run again."""
    with (CATALOGUE / "django.mo").open("rb") as mo_file:
        compiled = gettext.GNUTranslations(mo_file)
    # _catalog maps msgid → msgstr, and (msgid, n) → plural form n; "" is the header.
    catalogue = compiled._catalog
    compiled_ids = {key[0] if isinstance(key, tuple) else key for key in catalogue} - {""}
    assert compiled_ids == {message.key for message in messages}
    for message in messages:
        if message.msgid_plural is None:
            assert catalogue[message.key] == message.msgstr[None], message.msgid
        else:
            for form in (0, 1):
                assert catalogue[(message.key, form)] == message.msgstr[form], message.msgid


@pytest.mark.django_db
def test_the_spanish_schedule_is_in_spanish(client, niic):
    response = client.get("/es/editions/niic-2014/schedule/")
    assert response.status_code == 200
    html = response.text
    for spanish in [
        '<html lang="es">',
        '<a class="skip-link" href="#main">Saltar al contenido principal</a>',
        '<a class="skip-link" href="#results-heading">Saltar a las sesiones</a>',
        '<nav class="main-nav" aria-label="Principal">',
        '<li><a href="/es/editions/niic-2014/schedule/" aria-current="true">Programa</a></li>',
        '<li><a href="/es/editions/niic-2014/tracks/">Ejes</a></li>',
        '<li><a href="/es/speakers/">Ponentes</a></li>',
        '<li><a href="/es/search/">Buscar</a></li>',
        '<li><a href="/es/agenda/" data-agenda-link>Mi agenda</a></li>',
        '<h1>Programa <span class="subtitle">',
        '<summary>Filtros <span class="filter-count" data-filter-count data-one="1 activo" '
        'data-many="2 activos"></span></summary>',
        '<label for="id_track">Eje temático</label>',
        '<option value="" selected>Todos los ejes</option>',
        '<option value="plenary">Plenaria</option>',
        '<option value="keynote">Conferencia magistral</option>',
        '<option value="cart">Subtitulado en vivo (CART)</option>',
        '<button type="submit" class="primary" data-apply>Aplicar filtros</button>',
        'data-one="Se muestra 1 sesión." data-many="Sesiones mostradas: {count}."',
        '<nav class="day-tabs" aria-label="Días">',
        '<span class="day-long">Domingo 14 de diciembre</span>'
        '<span class="day-short">Dom 14</span>',
        '<span class="day-long">Martes 16 de diciembre</span><span class="day-short">Mar 16</span>',
        '<h2 id="results-heading" tabindex="-1">Domingo, 14 de diciembre</h2>',
        '<th scope="col">Hora</th>',
        "<p>Todos los ejes · Plenaria</p>",
        ">Agregar a mi agenda</button>",
    ]:
        assert spanish in html
    for english in ["Skip to main content", "All tracks", "Filters ", "Sunday", "Add to my"]:
        assert english not in html


@pytest.mark.django_db
def test_dates_and_times_follow_the_language(client, niic):
    spanish = client.get("/es/editions/niic-2014/sessions/closing-plenary/")
    english = client.get("/en/editions/niic-2014/sessions/closing-plenary/")
    assert (spanish.status_code, english.status_code) == (200, 200)
    assert (
        "<dt>Cuándo</dt>\n"
        "    <dd>Martes, 16 de diciembre de 2014, "
        '<time datetime="2014-12-16T10:30:00-08:00">10:30</time>–'
        '<time datetime="2014-12-16T12:00:00-08:00">12:00</time>'
    ) in spanish.text
    assert (
        "<dt>When</dt>\n"
        "    <dd>Tuesday, Dec. 16, 2014, "
        '<time datetime="2014-12-16T10:30:00-08:00">10:30 a.m.</time>–'
        '<time datetime="2014-12-16T12:00:00-08:00">noon</time>'
    ) in english.text
    assert "<dd>Plenaria</dd>" in spanish.text
    assert "<dd>Plenary</dd>" in english.text


@pytest.mark.django_db
def test_a_malformed_filter_is_explained_in_spanish(client, niic):
    response = client.get("/es/schedule/", {"day": "banana"})
    assert response.status_code == 400
    assert '<h2 id="results-heading" tabindex="-1">No se pudieron aplicar estos filtros</h2>' in (
        response.text
    )
    assert "<li>“banana” no es un día de esta edición.</li>" in response.text
    assert "is not a day of this edition" not in response.text


@pytest.mark.django_db
def test_the_edition_dates_read_naturally_in_each_language(client, niic):
    assert '<p class="dates">December 14–16, 2014</p>' in client.get("/en/").text
    assert '<p class="dates">14–16 de diciembre de 2014</p>' in client.get("/es/").text


@pytest.mark.django_db
def test_an_unknown_track_is_refused_in_spanish_on_spanish_pages(client, niic):
    response = client.get("/es/schedule/?track=banana")
    assert response.status_code == 400
    assert "“banana” no es un eje temático de esta edición." in response.text
