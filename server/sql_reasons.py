#!/usr/bin/env python3
"""Checks that every refusal carries a reason the clients can say.

Usage: python3 sql_reasons.py server/sql/functions server client/cli_reasons.c docs/WORKFLOW.md

A refusal's reason (Status.reason, docs/WORKFLOW.md "Reasons") is what the
clients turn into a sentence in the reader's language. This checks that
  * every jy_refuse call in the SQL functions, and every jy_result call that
    is not 'ok', names its reason (the fourth argument, a literal);
  * jianyid's C refuses through request_refuse (with a reason), never through
    request_fail or request_fail_field;
  * every reason the SQL or jianyid's C sends has a sentence in the client's
    catalogue (client/cli_reasons.c) and a row in docs/WORKFLOW.md's table.
Exits 1 naming what is missing.
"""
import glob
import os
import re
import sys

REASON = re.compile(r"^'([a-z][a-z0-9_]*)'$")


def call_args(text, start):
    """The top-level arguments of the call whose '(' is at start, and its end."""
    args, depth, quote, begin = [], 0, False, start + 1
    i = start
    while i < len(text):
        c = text[i]
        if c == "'":
            quote = not quote
        elif not quote:
            if c == '(':
                depth += 1
            elif c == ')':
                depth -= 1
                if depth == 0:
                    args.append(text[begin:i].strip())
                    return args, i
            elif c == ',' and depth == 1:
                args.append(text[begin:i].strip())
                begin = i + 1
        i += 1
    raise ValueError('unbalanced call at %d' % start)


def without_comments(sql):
    return re.sub(r'--[^\n]*', lambda m: ' ' * len(m.group(0)), sql)


def sql_reasons(folder, problems):
    used = {}
    for path in sorted(glob.glob(os.path.join(folder, '*.sql'))):
        with open(path, encoding='utf-8') as f:
            sql = without_comments(f.read())
        for m in re.finditer(r'\b(jy_refuse|jy_result)\s*\(', sql):
            if re.search(r'FUNCTION\s+$', sql[max(0, m.start() - 40):m.start()]):
                continue  # the definition
            args, _ = call_args(sql, m.end() - 1)
            where = '%s:%d' % (os.path.basename(path), sql.count('\n', 0, m.start()) + 1)
            if m.group(1) == 'jy_result' and args and args[0] in ("'ok'", 'v_code'):
                continue
            if len(args) > 3 and args[3] == 'p_reason':
                continue  # jy_refuse's own body
            reason = REASON.match(args[3]) if len(args) > 3 else None
            if not reason:
                problems.append('%s: %s without a reason' % (where, m.group(1)))
                continue
            used.setdefault(reason.group(1), where)
    return used


C_PATTERNS = [
    re.compile(r'REASON\(\s*"([a-z][a-z0-9_]*)"'),
    re.compile(r'\bbad\((?:&?c|req), [^,]+, "([a-z][a-z0-9_]*)"'),
    re.compile(r'\b(?:session_abort|send_status)\([^;]*?STATUS_[A-Z_]+, "([a-z][a-z0-9_]*)"', re.S),
    re.compile(r'\bsession_end_credentials\(s, "([a-z][a-z0-9_]*)"'),
]
# Functions that return a reason code by name (accounts.c, revocation.c).
REASON_FUNCTIONS = re.compile(r'\n(?:static )?const char \*\w*reason\w*\([^)]*\)\n\{(.*?)\n\}', re.S)


def c_reasons(folder, problems):
    used = {}
    for path in sorted(glob.glob(os.path.join(folder, '**', '*.c'), recursive=True)):
        with open(path, encoding='utf-8') as f:
            code = f.read()
        where = os.path.relpath(path, folder)
        if where != os.path.join('net', 'session.c'):
            for m in re.finditer(r'\brequest_fail(?:_field)?\(', code):
                problems.append('%s:%d: a refusal without a reason (use request_refuse)'
                                % (where, code.count('\n', 0, m.start()) + 1))
        for pattern in C_PATTERNS:
            for m in pattern.finditer(code):
                used.setdefault(m.group(1), where)
        for body in REASON_FUNCTIONS.findall(code):
            for name in re.findall(r'return "([a-z][a-z0-9_]*)";', body):
                used.setdefault(name, where)
    return used


def catalogue(path):
    with open(path, encoding='utf-8') as f:
        code = f.read()
    table = code[code.index('sentences[] = {'):]
    return set(re.findall(r'\{ "([a-z][a-z0-9_]*)",', table[:table.index('{ NULL, NULL }')]))


def documented(path):
    with open(path, encoding='utf-8') as f:
        return set(re.findall(r'^\| `([a-z][a-z0-9_]*)` \|', f.read(), re.M))


def main(argv):
    if len(argv) != 5:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    problems = []
    used = sql_reasons(argv[1], problems)
    for name, where in c_reasons(argv[2], problems).items():
        used.setdefault(name, where)
    known, docs = catalogue(argv[3]), documented(argv[4])
    for name, where in sorted(used.items()):
        if name not in known:
            problems.append('reason %s (%s) has no sentence in %s' % (name, where, argv[3]))
        if name not in docs:
            problems.append('reason %s (%s) is not in the table of %s' % (name, where, argv[4]))
    for name in sorted(known - set(used)):
        problems.append('%s has a sentence for %s, which nothing sends' % (argv[3], name))
    for p in problems:
        print('sql_reasons.py: ' + p, file=sys.stderr)
    if problems:
        return 1
    print('sql_reasons.py: %d reasons, each sent with a sentence and documented' % len(used))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
