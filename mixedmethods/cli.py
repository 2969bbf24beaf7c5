"""The ``mixedmethods`` command line: thin commands over the library.

Each command parses its arguments, calls one library function and prints the
result. A :class:`~mixedmethods.errors.UserError` becomes one line on stderr
and exit code 2. Heavy libraries are imported inside commands so that
``mixedmethods --help`` starts fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Iterable, Iterator

import click

from . import __version__, sources
from .errors import UserError

EXIT_USER_ERROR = 2


class _Group(click.Group):
    """Turns user errors into one line and exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UserError as exc:
            click.echo(f"Error: {exc.one_line()}", err=True)
            ctx.exit(EXIT_USER_ERROR)


def progress(items: Iterable, label: str = "Working") -> Iterator:
    """Iterate with a progress bar on a terminal; plainly in a pipe or a log."""
    if not sys.stderr.isatty():
        yield from items
        return
    with click.progressbar(list(items), label=label, file=sys.stderr) as bar:
        yield from bar


def _study_dir(ctx: click.Context, param: click.Parameter, value: str) -> Path:
    return Path(value)


STUDY_DIR = click.argument("study_dir", metavar="DIR", default=".", callback=_study_dir)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="mixedmethods")
def cli() -> None:
    """Bring a study's survey, coded interviews and chat exports together and write the report.

    \b
    Typical session:
      mixedmethods init my-study        # a new study folder
      (put exports in my-study/data/survey, people in my-study/private/participants.csv)
      mixedmethods import my-study      # validate, pseudonymise, store
      mixedmethods status my-study      # what is in the store
      mixedmethods build my-study       # Word chapters in my-study/report/

    Try it on synthetic data:  mixedmethods demo demo-study && mixedmethods build demo-study
    """


@cli.command()
@STUDY_DIR
def init(study_dir: Path) -> None:
    """Create a new study folder DIR with the default instruments.

    Writes study.yaml, instruments/ (copies you can edit), data/, private/
    with a new secret key and an empty participants.csv (owner-only), and a
    .gitignore that keeps private/, the raw data/ and the store out of version
    control. An existing study is never touched.

    \b
    Example:
      mixedmethods init whatsapp-study
    """
    from .study import init_study

    init_study(study_dir)
    click.echo(f"Created study in {study_dir}/. Next: list participants in {study_dir}/private/participants.csv, "
               f"put survey exports in {study_dir}/data/survey/, then run: mixedmethods import {study_dir}")


@cli.command()
@STUDY_DIR
@click.option("--seed", default=7, show_default=True, help="Random seed; the same seed gives the same study.")
@click.option("--scale", default=1, show_default=True, type=click.IntRange(1, 1000),
              help="Multiply the number of participants (for benchmarks).")
def demo(study_dir: Path, seed: int, scale: int) -> None:
    """Write a synthetic demo study into DIR and import it.

    All names, phone numbers and e-mails are invented. The survey export is a
    KoboToolbox-style xlsx with a few realistic errors, so `rejects` has
    something to show.

    \b
    Example:
      mixedmethods demo demo-study --seed 7
      mixedmethods build demo-study
    """
    from .demo import make_demo
    from .importing import import_study
    from .study import load_study

    summary = make_demo(study_dir, seed=seed, scale=scale)
    outcomes = import_study(load_study(study_dir))
    responses = sum(o.accepted for o in outcomes if o.kind == "survey")
    segments = sum(o.accepted for o in outcomes if o.kind == "interviews")
    messages = sum(o.accepted for o in outcomes if o.kind == "chats")
    click.echo(f"Demo study written to {study_dir}/: {summary.participants} participants; imported "
               f"{responses} survey responses, {summary.interviews} coded interviews ({segments} segments) and "
               f"{messages} chat messages. Next: mixedmethods build {study_dir}")


@cli.command("import")
@STUDY_DIR
@click.option("--reader", type=click.Choice(["auto", *sources.names("survey")]), default=None,
              help="Survey export format for every file (default: study.yaml's choice, else detected; "
                   "see: mixedmethods formats); survey files are read again with it.")
@click.option("--force", is_flag=True, help="Read every file again, even those that did not change.")
def import_(study_dir: Path, reader: str | None, force: bool) -> None:
    """Validate, pseudonymise and store new and changed sources; retire removed ones.

    New files are imported and unchanged ones skipped. A file that changed, or
    whose instrument (questionnaire, codebook), study.yaml settings or
    participants list changed, is read again: its earlier records and rejects
    are replaced. A file gone from data/ or study.yaml is retired: its records
    and rejects are removed, so a renamed file is never counted twice.
    `--force` reads every file again. If anything fails nothing is changed.
    One import runs at a time per study (a second one stops with a message).
    Values that fail validation are kept in the rejects list (see
    `mixedmethods rejects`); `mixedmethods status` shows what an import would do.
    After an import that changed the store, the store is checked for
    participants' names, numbers and e-mails once (a warning line names the
    first one found); `build` reuses that check while nothing changes.

    \b
    Example:
      mixedmethods import my-study
      mixedmethods import my-study --force
      mixedmethods import my-study --reader limesurvey
    """
    from .importing import import_study
    from .study import load_study

    study = load_study(study_dir)
    outcomes = import_study(study, reader=reader, progress=lambda items: progress(items, "Importing"), force=force)
    if not outcomes:
        click.echo("Nothing to import: no files under sources in study.yaml.")
    for outcome in outcomes:
        click.echo(outcome.describe())
    _check_imported(study, outcomes)


CHECK_NOTICE_AFTER = 1.0  # seconds of the store's check after which the import says that it is checking


def _on_terminal() -> bool:
    return sys.stderr.isatty()


def _check_imported(study, outcomes) -> None:
    """After an import that changed the store: check it for identities once (the build reuses the check while the
    store and participants.csv do not change, :func:`.report.cache.checked_store`), and warn in one line if the
    store holds one, which 'build' would refuse to publish."""
    if all(outcome.status == "unchanged" for outcome in outcomes):
        return
    import threading

    from .report.cache import checked_store

    # A million chat messages take seconds to check: say what runs, once, when it is not over at once (on a
    # terminal, as the import's progress bar: a log or a pipe gets the result only).
    notice = threading.Timer(CHECK_NOTICE_AFTER, lambda: click.echo(
        "Checking the store for the participants' names, phone numbers and e-mail addresses...", err=True))
    notice.daemon = True
    if _on_terminal():
        notice.start()
    try:
        found = checked_store(study)
    finally:
        notice.cancel()
        if notice.is_alive():
            notice.join()
    if found:
        first = found[0]
        whose = f" of {first.participant_id}" if first.participant_id else ""
        click.echo(f"warning: {first.location}: {first.kind}{whose} found in the store ({len(found)} findings); "
                   "'mixedmethods check-privacy' lists them, and 'build' will not publish a report until they are gone",
                   err=True)


@cli.command()
@STUDY_DIR
def rekey(study_dir: Path) -> None:
    """Pseudonymise the whole store again under the current private/secret.key.

    The store remembers a fingerprint of the key its pseudonyms were made
    with, and `import` refuses another key (every person would otherwise get
    a second participant id). If the key was lost or must be replaced: put
    the new key in private/secret.key and run `rekey`. Every source file is
    read again from data/ (all files imported before must still be there);
    the audit trail is kept and records the change. If anything fails the
    store is left as it was. Participant ids filled in participants.csv stay
    as they are; ids the tool derived change.

    \b
    Example:
      mixedmethods rekey my-study
    """
    from .importing import import_study
    from .study import load_study

    study = load_study(study_dir)
    outcomes = import_study(study, progress=lambda items: progress(items, "Importing"), rekey=True)
    for outcome in outcomes:
        click.echo(outcome.describe())
    click.echo("The store is now pseudonymised under the current key.")
    _check_imported(study, outcomes)


@cli.command()
@STUDY_DIR
@click.option("--json", "as_json", is_flag=True,
              help="Print the store's counts per source kind, redactions, and the new, changed and missing files as JSON.")
def status(study_dir: Path, as_json: bool) -> None:
    """Show what the store holds and which source files are new, changed or missing.

    Lists the imports (with the names, phone numbers and e-mails redacted
    from each), the participants, the rejects, and for each kind of
    source (survey, interviews, chats) the files not imported yet, the files
    (or their instruments) changed since they were imported, and the files
    imported earlier that are no longer in the study. `mixedmethods import`
    brings the store up to date.

    \b
    Example:
      mixedmethods status my-study
      mixedmethods status my-study --json
    """
    from .overview import store_counts, study_status
    from .study import load_study

    study = load_study(study_dir)
    if as_json:
        import json

        click.echo(json.dumps(store_counts(study), indent=2, ensure_ascii=False))
        return
    click.echo(study_status(study))


@cli.command()
@STUDY_DIR
@click.option("--kind", type=click.Choice(["all", "value", "row", "note"]), default="all", show_default=True,
              help="value: not stored; row: whole row not used; note: stored, worth a look.")
def rejects(study_dir: Path, kind: str) -> None:
    """List values and rows that were not stored as given, with file, row, column and reason.

    \b
    Example:
      mixedmethods rejects my-study --kind value
    """
    from .overview import rejects_listing
    from .study import load_study

    click.echo(rejects_listing(load_study(study_dir), kind))


@cli.command()
@STUDY_DIR
@click.option("--language", type=click.Choice(["en", "fr"]), default=None,
              help="Only this language (default: every language of study.yaml).")
@click.option("--pdf", is_flag=True,
              help="Also write a PDF next to each .docx, rendered by LibreOffice, with the page numbers of the "
                   "contents filled in (needs LibreOffice and pdftotext).")
@click.option("--force", is_flag=True,
              help="Compute every analysis again and rewrite every file, even those whose inputs did not change.")
@click.option("--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="Run independent steps (the sources' analyses, each language's documents) side by side in N "
                   "processes (default: the environment variable MIXEDMETHODS_JOBS, else two more than the "
                   "computer's cores, at most 4); 1 runs everything in one process. The files are the same whatever "
                   "N.")
def build(study_dir: Path, language: str | None, pdf: bool, force: bool, jobs: int | None) -> None:
    """Write the whole report and its chapters (.docx), tables.xlsx, results.json and participants.csv/.sav.

    The whole report is report/report.docx in English and report/rapport.docx
    in French; each chapter is also its own .docx. Every document has a
    running head and page numbers; the whole report opens with the contents
    and the lists of tables and figures (Word fills in their page numbers on
    opening; --pdf fills them in for LibreOffice and the PDF). Files are
    replaced only when the whole build succeeded: a build that fails or is
    stopped leaves the previous report as it was.

    Builds are incremental: each analysis is reused from private/cache/ when
    the store rows, instruments, settings and tool version it depends on are
    unchanged, and only the files whose content changed are replaced. When
    nothing changed since the last build, nothing is done.

    \b
    Example:
      mixedmethods build my-study
      mixedmethods build my-study --language fr
      mixedmethods build my-study --pdf     # also report/report.pdf, rapport.pdf and the chapters' PDFs
      mixedmethods build my-study --force   # recompute everything and rewrite every file
      mixedmethods build my-study --jobs 1  # one process (less memory on a small machine)
    """
    from .report.build import build_report
    from .study import load_study

    study = load_study(study_dir)
    outcome = build_report(study, language, progress=lambda items: progress(items, "Analysing"), pdf=pdf,
                           pdf_progress=lambda items: progress(items, "Rendering PDFs"), force=force, jobs=jobs)
    if outcome.up_to_date:
        click.echo(f"nothing changed since the last build; the report in {study.relative(study.report_dir)}/ is "
                   "up to date (--force rebuilds it)")
        return
    for path in outcome.written:
        click.echo(f"wrote {study.relative(path)}")
    if outcome.unchanged:
        click.echo(f"{len(outcome.unchanged)} files unchanged (same content as before), not rewritten")
    reused = [name for name in ("survey", "interviews", "chats", "triangulation") if name not in outcome.computed]
    if reused:
        click.echo(f"analyses reused from the last build (their inputs did not change): {', '.join(reused)}")


@cli.command("check-privacy")
@STUDY_DIR
def check_privacy(study_dir: Path) -> None:
    """Look for participants' names, phone numbers and e-mails in everything that may be shared.

    Scans the study folder outside private/ and the raw data (data/ and the
    source files study.yaml names): the store (every table, and its raw
    bytes), report/ (inside .docx, .xlsx, .zip, .json, .csv, .sav and .png
    files), instruments/, study.yaml, other files, and every file name. Each
    listed person is looked for in any spelling (without accents, in any
    case or spacing; phone numbers with any separators, with or without the
    country code; e-mails and their part before the @), and so is any phone
    number or e-mail address. Prints one line per finding with the file, the
    place and the participant id (never the identity); exits with 1 if
    anything was found, 0 if nothing. `build` runs the same check.

    \b
    Example:
      mixedmethods check-privacy my-study
    """
    from .privacy_check import check_study
    from .study import load_study

    findings = check_study(load_study(study_dir))
    for finding in findings:
        click.echo(finding.describe())
    if findings:
        click.echo(f"{len(findings)} found outside private/ and the raw data: remove them, then run this again")
        sys.exit(1)
    click.echo("No participant's name, phone number or e-mail, and no phone number or e-mail address, found "
               "outside private/ and the raw data.")


@cli.command()
@click.option("--source", type=click.Choice(list(sources.PACKAGES)), default=None,
              help="Only this source (default: all three).")
def formats(source: str | None) -> None:
    """List the file formats this installation reads: survey readers, transcript readers, chat formats.

    Each line: name, file suffixes, what it reads. Survey readers are tried in
    this order when a file's reader is `auto`; study.yaml's `reader:` and
    `import --reader` take these names.

    \b
    Example:
      mixedmethods formats --source survey
    """
    for name in [source] if source else list(sources.PACKAGES):
        click.echo(f"{name}:")
        for kind in sources.kinds(name):
            click.echo(f"  {kind.name:15} {' '.join(kind.suffixes):11} {kind.description.replace('`', '')}")


@cli.group(cls=_Group)
def instrument() -> None:
    """Convert instruments between formats (questionnaire: YAML <-> XLSForm; codebook: YAML <-> REFI-QDA .qdc).

    \b
    Example:
      mixedmethods instrument convert instruments/survey.yaml survey.xlsx
    """


@instrument.command("convert")
@click.argument("source", type=click.Path(path_type=Path))
@click.argument("target", type=click.Path(path_type=Path))
def instrument_convert(source: Path, target: Path) -> None:
    """Convert a questionnaire (YAML <-> XLSForm .xlsx) or a codebook (YAML <-> REFI-QDA .qdc).

    The format is taken from the file extensions (a YAML file with `codes` is a
    codebook). The target must not exist.

    \b
    Examples:
      mixedmethods instrument convert instruments/survey.yaml survey.xlsx
      mixedmethods instrument convert survey.xlsx survey.yaml
      mixedmethods instrument convert instruments/codebook.yaml codebook.qdc
    """
    from .instrument.convert import convert_instrument

    convert_instrument(source, target)
    click.echo(f"wrote {target}")


@cli.group(cls=_Group)
def participants() -> None:
    """Fill private/participants.csv from a survey tool's list of invited people.

    \b
    Example:
      mixedmethods participants from-limesurvey my-study my-study/private/tokens_123456.csv --group attribute_1
    """


@participants.command("from-limesurvey")
@STUDY_DIR
@click.argument("tokens", metavar="TOKENS.csv", type=click.Path(path_type=Path))
@click.option("--group", "group_attribute", metavar="ATTRIBUTE", default=None,
              help="The attribute column holding each person's group: attribute_1 ... or its description.")
def participants_from_limesurvey(study_dir: Path, tokens: Path, group_attribute: str | None) -> None:
    """Add LimeSurvey's survey participants (tokens) to private/participants.csv.

    TOKENS.csv is LimeSurvey's Survey participants > Export > CSV. Each person
    with a token is listed with their name, e-mail, the token as invitation
    code and, with --group, their group; responses carrying that token are
    then linked to them on the next import. Names and e-mails stay in
    private/: keep TOKENS.csv there or outside the study folder. Running it
    again adds only people not yet listed.

    \b
    Example:
      mixedmethods participants from-limesurvey my-study my-study/private/tokens_123456.csv --group attribute_1
      mixedmethods import my-study
    """
    from .study import load_study
    from .survey.limesurvey_tokens import add_tokens

    click.echo(add_tokens(load_study(study_dir), tokens, group_attribute).describe())


@cli.group(cls=_Group)
def interviews() -> None:
    """Exchange coded interviews with QDA packages (QualCoder, MAXQDA, NVivo, ATLAS.ti).

    \b
    Example:
      mixedmethods interviews export-qdpx my-study coded.qdpx
    """


@interviews.command("export-qdpx")
@STUDY_DIR
@click.argument("target", metavar="OUT.qdpx", type=click.Path(path_type=Path))
def interviews_export_qdpx(study_dir: Path, target: Path) -> None:
    """Write the pseudonymised transcripts, codebook, coders and codings as a REFI-QDA project.

    Open OUT.qdpx in QualCoder (Project > Import REFI-QDA project) or another
    QDA package. Each interviewee is a case with their group and profile
    answers (the questionnaire's `role: profile` questions) as variables.
    Only pseudonymised text leaves the store. Outside the study's private/
    folder the profile answers are written only if every combination is
    shared by at least k interviewees (report.min_cell_size); else only the
    group, and the command says so.

    \b
    Example:
      mixedmethods interviews export-qdpx my-study my-study-coded.qdpx
    """
    from .interviews.qdpx_export import export_qdpx
    from .study import load_study

    counts = export_qdpx(load_study(study_dir), target)
    click.echo(f"wrote {target}: {counts['sources']} transcripts, {counts['codings']} codings by "
               f"{counts['coders']} coders, {counts['cases']} cases")
    if counts["profile_left_out"]:
        click.echo(f"profile answers left out of the cases: {counts['profile_left_out']} interviewees would be "
                   "the only ones with theirs; export into the study's private/ folder to keep them")


@cli.group(cls=_Group)
def chats() -> None:
    """Read chat exports (the formats: mixedmethods formats --source chats).

    \b
    Example:
      mixedmethods chats inspect "WhatsApp Chat with CARICOM.zip"
    """


@chats.command("inspect")
@click.argument("export", metavar="FILE", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of lines.")
@click.option("--date-order", type=click.Choice(["dmy", "mdy", "ymd"]), default=None,
              help="Order of day, month and year in a WhatsApp export's dates, when it cannot be detected.")
# Not a click.Choice: an unknown format is then one line naming the choices, like study.yaml's format:.
@click.option("--format", "chat_format", metavar=f"[{'|'.join(['auto', *sources.names('chats')])}]",
              default="auto", show_default=True, help="The export's format, when detection would pick another.")
def chats_inspect(export: Path, as_json: bool, date_order: str | None, chat_format: str) -> None:
    """Read one chat export and print its format and counts, never names.

    Shows the format that read it and how the file is written (WhatsApp:
    Android or iOS, date order, 12- or 24-hour clock), messages by kind,
    distinct authors, system events, media files in the export, and the
    first and last time stamp. --json adds system events by kind
    (by_event) and the language of the encryption notice (locale).

    \b
    Examples:
      mixedmethods chats inspect data/chats/caricom.zip
      mixedmethods chats inspect sixth-committee.txt --json --date-order mdy
      mixedmethods chats inspect ChatExport_2024-03-05/result.json --format telegram
    """
    import json

    from .chats.parser import event_details, summary
    from .chats.readers import read_chat

    frame, found = read_chat(export, str(export), date_order, chat_format)
    facts = summary(frame, found)
    if as_json:
        click.echo(json.dumps({**facts, **event_details(frame)}, ensure_ascii=False))
        return
    click.echo(f"format: {facts['reader']} ({facts['format']})")
    kinds = ", ".join(f"{k} {v}" for k, v in facts["by_kind"].items())
    click.echo(f"messages: {facts['messages']} ({kinds})")
    click.echo(f"authors: {facts['authors']}")
    click.echo(f"system events: {facts['system_events']}")
    if facts["media_files"]:
        click.echo(f"media files in the export: {facts['media_files']}")
    click.echo(f"first: {facts['first']}")
    click.echo(f"last: {facts['last']}")


def main() -> None:
    """Entry point of the ``mixedmethods`` script."""
    cli(prog_name="mixedmethods")


if __name__ == "__main__":  # python -m mixedmethods.cli
    main()
