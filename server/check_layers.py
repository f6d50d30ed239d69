#!/usr/bin/env python3
"""Fails when a server file includes a header of a layer above its own.

Usage: check_layers.py SERVER_DIR LAYER:BELOW,BELOW ...

The layers and what each may use come from server/meson.build (the same
table that gives each layer's library its include directories); files in
SERVER_DIR itself are the composition root and may include anything. The
include paths already make such an #include fail to compile; this names
the file and line, and also catches "../layer/x.h" paths."""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def main():
    root = sys.argv[1]
    allowed = {}
    for arg in sys.argv[2:]:
        name, _, below = arg.partition(':')
        allowed[name] = {name} | {b for b in below.split(',') if b}
    owner = {}
    for layer in allowed:
        for f in os.listdir(os.path.join(root, layer)):
            if f.endswith('.h'):
                if f in owner:
                    print(f'{layer}/{f}: the same header name is in {owner[f]}/')
                    return 1
                owner[f] = layer
    for f in os.listdir(root):
        if f.endswith('.h'):
            owner[f] = '(composition root)'
    bad = 0
    for layer in allowed:
        for f in sorted(os.listdir(os.path.join(root, layer))):
            if not f.endswith(('.c', '.h')):
                continue
            path = os.path.join(layer, f)
            with open(os.path.join(root, path), encoding='utf-8') as fh:
                text = fh.read()
            for m in INCLUDE.finditer(text):
                name = m.group(1)
                line = text.count('\n', 0, m.start()) + 1
                if '/' in name:
                    print(f'server/{path}:{line}: includes "{name}" by path; '
                          'use the include directories of the layers below')
                    bad += 1
                    continue
                where = owner.get(name)
                if where is not None and where not in allowed[layer]:
                    print(f'server/{path}:{line}: layer {layer} includes "{name}" '
                          f'of {where}, which is above it (it may use: '
                          f'{", ".join(sorted(allowed[layer]))})')
                    bad += 1
    if bad:
        print(f'{bad} include(s) against the layer order (docs/ARCHITECTURE.md '
              '"The server\'s modules")')
        return 1
    print(f'{len(allowed)} layers, every include points down')
    return 0


if __name__ == '__main__':
    sys.exit(main())
