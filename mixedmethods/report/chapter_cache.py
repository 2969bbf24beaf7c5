"""Chapter files kept from the last build when nothing they show changed (issue 14, incremental builds).

After one transcript changes, the survey's and the chats' analyses come from the cache (:mod:`.cache`), and
their chapter files would be the same bytes again. Rather than rendering them (a second or so each, per
language), the build takes the published files back into its staging folder and the chapter's body
(:mod:`.chapter_body`), which the whole report copies in, from ``private/cache``.

A chapter's key holds its analysis's key (its store rows, instruments, settings and the tool) and everything
else a build's documents depend on (:func:`.cache.build_inputs`: the templates, the study's own texts, the
report template, participants.csv, the options and the day). A kept chapter is used only when every file it
wrote is still published with the bytes recorded with it; otherwise, or with ``build --force``, it is rendered
again. The files taken back are checked for identities again, like every file the build publishes.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cache import _digest, file_hash, load_result, store_result

if TYPE_CHECKING:
    from .chapter_body import ChapterBody
    from .writing import Written


class ChapterCache:
    """The chapters of the last builds of ``study``, by key; ``published``: the report folder.

    ``analysis_keys``: :func:`.cache.analysis_keys`; ``inputs``: :func:`.cache.build_inputs`.
    """

    def __init__(self, study, analysis_keys: dict[str, str], inputs: dict[str, Any], published: Path) -> None:
        self.study, self.analysis_keys, self.inputs, self.published = study, analysis_keys, inputs, published
        self.taken: set[tuple[str, str]] = set()  # (chapter, language) taken back: already recorded so

    def key(self, name: str, lang: str) -> str:
        return _digest("chapter", name, lang, self.analysis_keys[name], self.inputs)

    def _kept(self, name: str, lang: str) -> "ChapterBody | None":
        """The body kept under the chapter's key, if every file it wrote is published with the same bytes."""
        stored = load_result(self.study, f"chapter-{name}-{lang}", self.key(name, lang))
        if not isinstance(stored, dict):
            return None
        body, hashes = stored.get("body"), stored.get("files")
        if body is None or not isinstance(hashes, dict) or set(hashes) != set(getattr(body, "files", ())):
            return None
        if not all(file_hash(self.published / rel) == digest for rel, digest in hashes.items()):
            return None
        return body

    def reuse(self, name: str, languages: list[str], staging: Path) -> "dict[str, Written] | None":
        """The chapter's files in every language copied from the published report into ``staging``, with its
        bodies; None (nothing copied) unless every language's chapter is kept."""
        from .writing import Written

        bodies = {lang: self._kept(name, lang) for lang in languages}
        if any(body is None for body in bodies.values()):
            return None
        done = {}
        for lang, body in bodies.items():
            files = []
            for rel in body.files:
                target = staging / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(self.published / rel, target)
                files.append(target)
            done[lang] = Written(files, {(name, lang): body})  # no findings yet: checked with the other files
            self.taken.add((name, lang))
        return done

    def record(self, bodies: "dict[tuple[str, str], ChapterBody]") -> None:
        """Keep each chapter's body with the hashes of its files as published (after the build published); the
        chapters taken back from the last build are kept already."""
        for (name, lang), body in bodies.items():
            if (name, lang) in self.taken:
                continue
            hashes = {rel: file_hash(self.published / rel) for rel in body.files}
            if None not in hashes.values():
                store_result(self.study, f"chapter-{name}-{lang}", self.key(name, lang),
                             {"body": body, "files": hashes})
