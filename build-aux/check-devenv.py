#!/usr/bin/env python3
"""The build tree's `meson devenv` (what `build-aux/dev.sh start` runs the app
in) names every folder and program Juggler looks for, and they exist: without
JUGGLER_WORKER, for one, the processes model cannot start a worker."""
import shlex
import subprocess
import sys
import os

build = sys.argv[1]
dump = subprocess.run(['meson', 'devenv', '-C', build, '--dump'], check=True,
                      capture_output=True, text=True).stdout
env = {}
for line in dump.splitlines():
    if '=' in line and not line.startswith('export '):
        name, value = line.split('=', 1)
        env[name] = shlex.split(value)[0] if value else ''

wanted = {
    'JUGGLER_WORKER': os.path.isfile,
    'JUGGLER_SCENARIO_DIR': os.path.isdir,
    'JUGGLER_ADVISOR_DIR': os.path.isdir,
    'JUGGLER_LESSON_DIR': os.path.isdir,
    'JUGGLER_LOCALE_DIR': os.path.isdir,
    'GSETTINGS_SCHEMA_DIR': os.path.isdir,
}
failed = False
for name, exists in wanted.items():
    if name not in env:
        print(f'meson devenv does not set {name}')
        failed = True
    elif not exists(env[name]):
        print(f'{name}={env[name]} does not exist')
        failed = True
if not failed and not os.access(env['JUGGLER_WORKER'], os.X_OK):
    print(f'JUGGLER_WORKER={env["JUGGLER_WORKER"]} is not executable')
    failed = True
sys.exit(1 if failed else 0)
