#!/usr/bin/env python3
# Checks the Flatpak manifest: that it parses as JSON and builds the app it
# should, on a pinned runtime, with its sources pinned. Flathub can't be reached
# from CI, so this is what can be checked without building it.

import json
import sys


def fail(path, message):
    print(f'{path}: {message}', file=sys.stderr)
    sys.exit(1)


def main():
    if len(sys.argv) != 3:
        print(f'usage: {sys.argv[0]} MANIFEST APP-ID', file=sys.stderr)
        return 2

    path, app_id = sys.argv[1], sys.argv[2]
    try:
        with open(path, encoding='utf-8') as f:
            manifest = json.load(f)
    except OSError as e:
        fail(path, f'cannot read: {e.strerror}')
    except json.JSONDecodeError as e:
        fail(path, f'line {e.lineno}, column {e.colno}: not valid JSON: {e.msg}')

    if not isinstance(manifest, dict):
        fail(path, 'the top level is not an object')

    found_id = manifest.get('id', manifest.get('app-id'))
    if found_id != app_id:
        fail(path, f'the app id is {found_id!r}, expected {app_id!r}')

    for key in ('runtime', 'runtime-version', 'sdk', 'command'):
        if not isinstance(manifest.get(key), str) or not manifest[key]:
            fail(path, f'"{key}" is missing or empty')
    if manifest['runtime-version'] == 'master':
        fail(path, '"runtime-version" must name a stable release, not master')

    finish_args = manifest.get('finish-args', [])
    if any(arg.startswith('--share=network') for arg in finish_args):
        fail(path, 'Juggler needs no network access; drop --share=network')

    modules = manifest.get('modules')
    if not isinstance(modules, list) or not modules:
        fail(path, '"modules" is missing or empty')

    names = []
    for module in modules:
        if not isinstance(module, dict) or 'name' not in module:
            fail(path, 'every module must be an object with a "name"')
        names.append(module['name'])
        for source in module.get('sources', []):
            if source.get('type') == 'git' and 'commit' not in source:
                fail(path, f'module {module["name"]!r}: a git source must pin a commit')
            if source.get('type') in ('archive', 'file') and 'sha256' not in source:
                fail(path, f'module {module["name"]!r}: a download must carry its sha256')

    if names[-1] != 'juggler':
        fail(path, f'the last module must be juggler itself, not {names[-1]!r}')

    print(f'{path}: OK ({app_id}, {manifest["runtime"]}//{manifest["runtime-version"]}, '
          f'modules: {", ".join(names)})')
    return 0


if __name__ == '__main__':
    sys.exit(main())
