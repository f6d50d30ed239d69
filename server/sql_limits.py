#!/usr/bin/env python3
"""Checks that the SQL functions repeat common/jy_limits.h's numbers.

Usage: python3 sql_limits.py common/jy_limits.h server/sql/functions

jy_limits.h declares each limit once (#define JY_NAME N). A SQL line that
repeats one ends with a comment naming it ("-- JY_TERM_MIN JY_TERM_MAX"); its
code must contain each named limit's number. Every limit must be named at
least once (the SQL checks each of them too). Exits 1 naming what differs.
"""
import glob
import os
import re
import sys

DEFINE = re.compile(r'^#define\s+(JY_[A-Z0-9_]+)\s+(\d+)\b', re.M)
TAG = re.compile(r'--\s*((?:JY_[A-Z0-9_]+\s*)+)$')


def limits(header):
    with open(header, encoding='utf-8') as f:
        return {name: value for name, value in DEFINE.findall(f.read())}


def check(header, folder):
    known = limits(header)
    problems, named = [], set()
    for path in sorted(glob.glob(os.path.join(folder, '*.sql'))):
        with open(path, encoding='utf-8') as f:
            for n, line in enumerate(f, 1):
                m = TAG.search(line.rstrip())
                if not m:
                    continue
                code = line[:m.start()]
                where = f'{os.path.basename(path)}:{n}'
                for name in m.group(1).split():
                    if name not in known:
                        problems.append(f'{where}: {name} is not in {header}')
                    elif not re.search(r'(?<![0-9])' + known[name] + r'(?![0-9])', code):
                        problems.append(f'{where}: {name} is {known[name]} in {header}, '
                                        f'but the line does not say {known[name]}')
                    named.add(name)
    for name in sorted(set(known) - named):
        problems.append(f'{name} ({known[name]}) is checked nowhere in {folder} '
                        f'(tag the SQL check: -- {name})')
    return problems


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    problems = check(argv[1], argv[2])
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
