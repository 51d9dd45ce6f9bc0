"""Prints the MANIFEST.json entries of one fixture as 'key<TAB>dtype<TAB>shape<TAB>sha256' lines
(shape comma-separated, "none" and sha "-" for None)."""
import json
import sys

manifest = json.load(open(sys.argv[1]))
for e in manifest['files'][sys.argv[2]]['entries']:
    if e['is_none']:
        print('\t'.join([e['key'], 'none', 'none', '-']))
    else:
        print('\t'.join([e['key'], e['dtype'], ','.join(map(str, e['shape'])), e['sha256']]))
