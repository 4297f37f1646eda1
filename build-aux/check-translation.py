#!/usr/bin/env python3
# check-translation.py: is a translation complete? Extracts a fresh template
# from po/POTFILES.in with xgettext (the same keywords as `ninja juggler-pot`),
# then fails naming every message that LANG.po lacks, leaves empty or marks
# fuzzy. So the test catches a new string in the code as well as a gap in the
# translation, without writing to the source tree.
#
#   check-translation.py --xgettext XGETTEXT --source-root DIR LANG.po -- XGETTEXT-ARGS…

import argparse
import os
import subprocess
import sys
import tempfile


def unquote(text):
    """The value of one PO string literal, "…" with C escapes."""
    assert text.startswith('"') and text.endswith('"'), text
    out = []
    i = 1
    while i < len(text) - 1:
        c = text[i]
        if c == '\\':
            i += 1
            c = text[i]
            out.append({'n': '\n', 't': '\t', 'r': '\r', '"': '"', '\\': '\\'}.get(c, '\\' + c))
        else:
            out.append(c)
        i += 1
    return ''.join(out)


def parse(path):
    """{(msgctxt, msgid): (fuzzy, [msgstr…])} for the live (not obsolete)
    messages of a PO file; the header (empty msgid) is left out."""
    messages = {}
    entry = None
    field = None

    def finish():
        if entry is not None and entry.get('msgid'):
            key = (entry.get('msgctxt'), entry['msgid'])
            strings = [entry[k] for k in sorted(entry) if k.startswith('msgstr')]
            messages[key] = ('fuzzy' in entry['flags'], strings)

    with open(path, encoding='utf-8') as f:
        for raw in f:
            line = raw.strip()
            if not line or line.startswith('#~'):
                continue
            if line.startswith('#,'):
                if field is not None and field.startswith('msgstr'):
                    finish()
                    entry, field = None, None
                if entry is None:
                    entry = {'flags': set()}
                entry['flags'].update(flag.strip() for flag in line[2:].split(','))
                continue
            if line.startswith('#'):
                continue
            if line.startswith('"'):
                entry[field] += unquote(line)
                continue
            keyword, _, value = line.partition(' ')
            if keyword in ('msgctxt', 'msgid') and field is not None and field.startswith('msgstr'):
                finish()
                entry, field = None, None
            if entry is None:
                entry = {'flags': set()}
            field = keyword
            entry[field] = unquote(value)
    if field is not None:
        finish()
    return messages


def main():
    parser = argparse.ArgumentParser(description='Fail unless a PO file translates every message of the code.')
    parser.add_argument('--xgettext', required=True)
    parser.add_argument('--source-root', required=True)
    parser.add_argument('po', help='the translation, e.g. po/de.po')
    parser.add_argument('xgettext_args', nargs='*', help='keywords and flags, as `ninja juggler-pot` uses')
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, 'juggler.pot')
        subprocess.run([args.xgettext, '--package-name=juggler', '--directory', args.source_root,
                        '--files-from', os.path.join(args.source_root, 'po', 'POTFILES.in'),
                        '--output', pot, *args.xgettext_args],
                       check=True, stderr=subprocess.DEVNULL)
        wanted = parse(pot)

    have = parse(args.po)
    missing, empty, fuzzy = [], [], []
    for key in wanted:
        if key not in have:
            missing.append(key)
        elif have[key][0]:
            fuzzy.append(key)
        elif not have[key][1] or any(s == '' for s in have[key][1]):
            empty.append(key)
    name = os.path.basename(args.po)
    for title, keys in (('not in %s' % name, missing), ('untranslated', empty), ('fuzzy', fuzzy)):
        for context, msgid in keys:
            shown = msgid if len(msgid) <= 70 else msgid[:67] + '…'
            print('%s: %s: %s%s' % (name, title, '[%s] ' % context if context else '', shown.replace('\n', '\\n')),
                  file=sys.stderr)
    problems = len(missing) + len(empty) + len(fuzzy)
    print('%s: %d of %d messages translated' % (name, len(wanted) - problems, len(wanted)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
