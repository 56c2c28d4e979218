"""Issue 14 (6): an import refuses an author who reads like a local account, not only one named exactly so."""

import json

from conftest import liveblog_cmd
from test_export_import import build_story, exported, import_file


def test_an_import_refuses_authors_that_read_like_a_local_account(site, tmp_path):
    build_story(site)  # written by amal and editor
    good = exported(site, tmp_path)
    taken = tmp_path / "taken.db"
    assert liveblog_cmd("user", "add", "amal", "--role", "correspondent", db=taken).returncode == 0
    for alike in ("Amal", "AMAL", "amal ", "\u0430mal", "am\u200bal", "\uff41mal"):
        record = json.loads(json.dumps(good).replace('"amal"', json.dumps(alike)))
        done = import_file(tmp_path, record, taken)
        assert done.returncode == 1, (alike, done.stdout)
        assert done.stderr == (f"error: these authors of the export have accounts here: {alike}; an import never "
                               "gives entries to a local account (rename them in the file)\n"), done.stderr
    people = liveblog_cmd("user", "list", db=taken).stdout
    assert [line.split("\t")[:2] for line in people.splitlines()] == [["amal", "correspondent"]]
    record = json.loads(json.dumps(good).replace('"amal"', '"amala"'))  # only sharing letters: imported
    assert import_file(tmp_path, record, taken).returncode == 0
