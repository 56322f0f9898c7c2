# Regenerate: /usr/bin/python3 test/help/argparse-py311-help.py > test/help/argparse-py311-help.json (runs beside argparse-py311.py)
import argparse, json, os, sys
sys.argv=['x']
exec(open(__file__.replace('-help.py', '.py')).read().split('cases = ')[0])
out={}
for cols in (80, 60, 120):
    os.environ['COLUMNS']=str(cols)
    p=build()
    p.description='Create a thing. ' * 12
    p.epilog='This is the epilog text which is also long enough to wrap around the width for sure, yes.'
    g=p.add_argument_group('extra section', 'A description of the extra section that is long enough to wrap at eighty columns wide.')
    g.add_argument('--a-really-long-option-name-for-testing', metavar='<a-really-long-metavar>', help='Help ' * 30)
    g.add_argument('--hidden', help=argparse.SUPPRESS)
    g.add_argument('--x', nargs='+', metavar='<x>', help='plus')
    out[cols]=p.format_help()
print(json.dumps(out))
