#!/usr/bin/env python3
"""The man pages (docs/man/*.scd) and the bash completion cannot drift from
the code: every command and flag "jianyi help" lists is in jianyi(1) (the
Chinese page included), every setting of server/base/config.c is in
jianyid.ini(5) under its section, every flag of "jianyid --help" is in
jianyid(8), every command and flag of "jianyid admin --help" in
jianyid-admin(8) (the Chinese page included), and the completion offers
every command and a command's flags (for a sample of commands);
jianyi-desk(1) names every shortcut of docs/DESK.md.

  man_pages.py SOURCE_DIR JIANYI JIANYID
"""
import os
import re
import subprocess
import sys

src, jianyi, jianyid = sys.argv[1:4]
env = dict(os.environ, LC_ALL='C', LANG='C')
env.pop('LANGUAGE', None)
problems = []


def run(*argv):
    return subprocess.run(argv, env=env, capture_output=True, text=True, check=False).stdout


def page(name):
    with open(os.path.join(src, 'docs', 'man', name), encoding='utf-8') as f:
        return f.read()


def bold(text):
    """Every *word* of a page (scdoc's bold), its headings' items above all."""
    return set(re.findall(r'\*([^*\s][^*]*?)\*', text.replace('\\*', '')))


def flags_in(help_text):
    """The --flags a help text lists, one per line, indented two spaces."""
    return re.findall(r'^  (--[a-z0-9-]+)', help_text, re.M)


# jianyi(1): commands and flags, in English and in Chinese.
top = run(jianyi, 'help')
commands = re.findall(r'^  ([a-z][a-z-]*) ', top.split('Commands:')[1].split('\n\n')[0], re.M)
if len(commands) < 10:
    problems.append("cannot read the commands from 'jianyi help'")
cli_flags = {c: flags_in(run(jianyi, 'help', c)) for c in commands}
cli_flags['(global)'] = flags_in(top)
for name in ('jianyi.1.scd', 'zh_CN/jianyi.1.scd'):
    words = bold(page(name))
    for c in commands:
        if c not in words:
            problems.append(f'{name}: command {c} is missing')
    for c, flags in cli_flags.items():
        for f in flags:
            if f not in words:
                problems.append(f'{name}: flag {f} of {c} is missing')

# jianyid.ini(5): every setting, under its section.
with open(os.path.join(src, 'server', 'base', 'config.c'), encoding='utf-8') as f:
    settings = re.findall(r'^\s*S\("([a-z]+)", "([a-z0-9_]+)"', f.read(), re.M)
if len(settings) < 10:
    problems.append('cannot read the settings from server/base/config.c')
ini = page('jianyid.ini.5.scd')
sections = dict(re.findall(r'^# \[([a-z]+)\]\n(.*?)(?=^# |\Z)', ini, re.M | re.S))
for section, key in settings:
    if section not in sections:
        problems.append(f'jianyid.ini.5.scd: section [{section}] is missing')
    elif key not in bold(sections[section]):
        problems.append(f'jianyid.ini.5.scd: {section}.{key} is missing')

# jianyid(8): its flags; jianyid-admin(8): the admin commands and their flags.
server_words = bold(page('jianyid.8.scd'))
for f in flags_in(run(jianyid, '--help')):
    if f not in server_words:
        problems.append(f'jianyid.8.scd: flag {f} is missing')
admin_pages = ('jianyid-admin.8.scd', 'zh_CN/jianyid-admin.8.scd')
admin_help = subprocess.run([jianyid, 'admin', '--help'], env=env, capture_output=True,
                            text=True, check=False)
admin_usage = re.findall(r'^  ([a-z][a-z-]*)(.*)$', admin_help.stdout + admin_help.stderr, re.M)
if len(admin_usage) < 5:
    problems.append("cannot read the commands from 'jianyid admin --help'")
for name in admin_pages:
    admin_words = bold(page(name))
    for cmd, rest in admin_usage:
        if cmd not in admin_words:
            problems.append(f'{name}: command {cmd} is missing')
        for f in re.findall(r'--[a-z0-9-]+', rest):
            if f not in admin_words:
                problems.append(f'{name}: flag {f} of {cmd} is missing')

# jianyi-desk(1), in English and Chinese: every shortcut docs/DESK.md lists
# (its "Keyboard and screen readers" paragraph).
with open(os.path.join(src, 'docs', 'DESK.md'), encoding='utf-8') as f:
    keyboard = f.read().split('**Keyboard and screen readers.**')[1].split('\n\n')[0]
shortcuts = set(re.findall(r'\b(?:Ctrl|Alt)\+(?:Shift\+)?\w\b|\bF[0-9]+\b', keyboard))
if len(shortcuts) < 5:
    problems.append('cannot read the shortcuts from docs/DESK.md')
for name in ('jianyi-desk.1.scd', 'zh_CN/jianyi-desk.1.scd'):
    words = bold(page(name))
    for k in sorted(shortcuts):
        if k not in words:
            problems.append(f'{name}: shortcut {k} is missing')

# The bash completion: every command; and a command's own and global flags,
# for a few commands (it reads them from "jianyi help" as this test does;
# these have switches, repeatable flags and --key in both meanings).
sampled = [c for c in ('submit', 'assign', 'list', 'export', 'supervise', 'sync') if c in commands]
completion = os.path.join(src, 'deploy', 'bash-completion', 'jianyi')
script = r'''
. "$1"
complete_words() {
	COMP_WORDS=("$JIANYI" "$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _jianyi
	printf '%s\n' "${COMPREPLY[@]}"
}
echo '== commands'; complete_words ''
for c in $COMMANDS; do echo "== $c"; complete_words "$c" --; done
echo '== value'; complete_words export --format ''
'''
out = subprocess.run(['bash', '-c', script, 'completion', completion], capture_output=True,
                     text=True, check=False,
                     env=dict(env, JIANYI=jianyi, COMMANDS=' '.join(sampled))).stdout
offered = {}
for block in out.split('== ')[1:]:
    head, _, body = block.partition('\n')
    offered[head] = set(body.split())
for c in commands:
    if c not in offered.get('commands', ()):
        problems.append(f'bash completion: command {c} is not offered')
for c in sampled:
    for f in cli_flags[c] + cli_flags['(global)']:
        if f not in offered.get(c, ()):
            problems.append(f'bash completion: flag {f} of {c} is not offered')
if offered.get('value') != {'csv', 'xlsx'}:
    problems.append(f"bash completion: 'export --format' offers {offered.get('value')}, not csv xlsx")

for p in problems:
    print(p)
print(f'{len(commands)} commands, {sum(map(len, cli_flags.values()))} CLI flags, '
      f'{len(settings)} settings, {len(admin_usage)} admin commands, '
      f'{len(shortcuts)} desk shortcuts checked; '
      f'{len(problems)} problem(s)')
sys.exit(1 if problems else 0)
