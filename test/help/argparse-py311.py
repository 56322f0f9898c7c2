# Regenerate: /usr/bin/python3 test/help/argparse-py311.py > test/help/argparse-py311.json (Debian bookworm, Python 3.11.2)
import argparse, json, sys, io, contextlib
def build():
    p = argparse.ArgumentParser(prog='openstack thing create', description='Create a thing')
    p.add_argument('name', metavar='<name>', help='New name')
    p.add_argument('extra', metavar='<extra>', nargs='*', help='Extras')
    p.add_argument('--size', metavar='<size>', type=int, help='Size')
    p.add_argument('--tag', metavar='<tag>', action='append', help='Tag')
    p.add_argument('--pair', nargs=2, metavar='<v>', help='Pair')
    p.add_argument('--opt', nargs='?', const='C', default='D', help='Opt')
    p.add_argument('-v', '--verbose', action='count', default=0, help='Verbose')
    p.add_argument('--marker', action='append_const', const='M', dest='marks', help='Mark')
    p.add_argument('--mode', choices=['a', 'b'], help='Mode')
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument('--enable', action='store_true', help='En')
    g.add_argument('--disable', action='store_true', help='Dis')
    return p
cases = json.load(open(__file__.replace('.py', '-cases.json')))
out = []
for argv in cases:
    p = build(); o, e = io.StringIO(), io.StringIO()
    code = None; vals = None
    with contextlib.redirect_stdout(o), contextlib.redirect_stderr(e):
        try:
            vals = vars(p.parse_args(argv))
        except SystemExit as ex:
            code = ex.code
    out.append({'argv': argv, 'code': code, 'stdout': o.getvalue(), 'stderr': e.getvalue(), 'values': vals})
print(json.dumps(out))
