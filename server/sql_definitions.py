#!/usr/bin/env python3
"""Checks the shape of server/sql/ (docs/WORKFLOW.md "Where the SQL lives").

Usage: python3 sql_definitions.py server/sql
       python3 sql_definitions.py FILE.sql...   (files under schema/ or functions/)

* Every function (by name and argument types) and every view has exactly one
  definition in the tree: reading one file tells what the database runs.
* A functions/ file holds only what may be applied again and again:
  CREATE OR REPLACE FUNCTION / VIEW, DROP TRIGGER IF EXISTS + CREATE TRIGGER.
Exits 1 naming what is wrong. embed_sql.py runs the same check at build time.
"""
import glob
import os
import re
import sys

CREATE_FUNCTION = re.compile(r'CREATE\s+(?:OR\s+REPLACE\s+)?FUNCTION\s+([a-z0-9_.]+)\s*\(', re.I)
CREATE_VIEW = re.compile(r'CREATE\s+(?:OR\s+REPLACE\s+)?VIEW\s+([a-z0-9_.]+)', re.I)
REPEATABLE = re.compile(r'(CREATE\s+OR\s+REPLACE\s+(FUNCTION|VIEW)|DROP\s+TRIGGER\s+IF\s+EXISTS|'
                        r'CREATE\s+TRIGGER)\b', re.I)
DOLLAR_TAG = re.compile(r'\$([A-Za-z_][A-Za-z0-9_]*)?\$')


def statements(sql):
    """The statements of a script, comments removed; minds quotes and $$ bodies."""
    out, cur, i, n = [], [], 0, len(sql)
    while i < n:
        if sql.startswith('--', i):
            j = sql.find('\n', i)
            i = n if j < 0 else j
            continue
        if sql.startswith('/*', i):
            j = sql.find('*/', i + 2)
            i = n if j < 0 else j + 2
            continue
        ch = sql[i]
        end = i + 1
        if ch in '\'"':
            j = i + 1
            while True:
                j = sql.find(ch, j)
                if j < 0 or not sql.startswith(ch, j + 1):
                    break
                j += 2
            end = n if j < 0 else j + 1
        elif ch == '$' and not (i and (sql[i - 1].isalnum() or sql[i - 1] == '_')):
            m = DOLLAR_TAG.match(sql, i)
            if m:
                j = sql.find(m.group(0), m.end())
                end = n if j < 0 else j + len(m.group(0))
        elif ch == ';':
            out.append(''.join(cur).strip())
            cur, i = [], i + 1
            continue
        cur.append(sql[i:end])
        i = end
    if ''.join(cur).strip():
        out.append(''.join(cur).strip())
    return [s for s in out if s]


def argument_types(stmt, start):
    """The argument types of CREATE FUNCTION name( at start, names and defaults dropped."""
    depth, j = 1, start
    while depth and j < len(stmt):
        depth += {'(': 1, ')': -1}.get(stmt[j], 0)
        j += 1
    args, parts, depth, cur = stmt[start:j - 1], [], 0, ''
    for ch in args:
        depth += {'(': 1, ')': -1}.get(ch, 0)
        if ch == ',' and depth == 0:
            parts.append(cur)
            cur = ''
        else:
            cur += ch
    types = []
    for part in parts + ([cur] if cur.strip() else []):
        words = re.split(r'\s+DEFAULT\s+|\s*=\s*', part.strip(), flags=re.I)[0].split()
        if words and words[0].upper() in ('IN', 'OUT', 'INOUT', 'VARIADIC'):
            words = words[1:]
        if len(words) > 1:  # a parameter name, then its type
            words = words[1:]
        types.append(' '.join(words).lower())
    return '(%s)' % ', '.join(types)


def definitions(stmt):
    """'function f(types)' or 'view v' for a statement that defines one, else None."""
    m = CREATE_FUNCTION.match(stmt)
    if m:
        return 'function %s%s' % (m.group(1).lower(), argument_types(stmt, m.end()))
    m = CREATE_VIEW.match(stmt)
    if m:
        return 'view %s' % m.group(1).lower()
    return None


def check(schema_files, function_files):
    """None, or a message naming what is wrong. Each list: [(file name, text)]."""
    seen = {}
    for name, sql in function_files:
        for stmt in statements(sql):
            if not REPEATABLE.match(stmt):
                return ('%s: a functions/ file may hold only CREATE OR REPLACE FUNCTION/VIEW '
                        'and DROP TRIGGER IF EXISTS + CREATE TRIGGER, not: %s'
                        % (name, ' '.join(stmt.split())[:60]))
    for name, sql in schema_files + function_files:
        for stmt in statements(sql):
            what = definitions(stmt)
            if what is None:
                continue
            if what in seen:
                return '%s is defined twice: in %s and in %s' % (what, seen[what], name)
            seen[what] = name
    return None


def main(argv):
    schema, functions, paths = [], [], argv[1:]
    if len(paths) == 1 and os.path.isdir(paths[0]):
        paths = sorted(glob.glob(os.path.join(paths[0], 'schema', '*.sql')) +
                       glob.glob(os.path.join(paths[0], 'functions', '*.sql')))
    if not paths:
        sys.stderr.write('sql_definitions.py: no .sql files given\n')
        return 2
    for path in paths:
        with open(path, encoding='utf-8') as f:
            entry = (os.path.basename(path), f.read())
        (functions if os.path.basename(os.path.dirname(path)) == 'functions' else schema).append(entry)
    err = check(schema, functions)
    if err:
        sys.stderr.write('sql_definitions.py: %s\n' % err)
        return 1
    print('sql_definitions.py: %d files, every function and view defined once'
          % (len(schema) + len(functions)))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
