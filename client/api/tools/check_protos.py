#!/usr/bin/env python3
"""Checks kubecpp's .proto files against the Kubernetes API of a given version.

Reads the facts from the Go module cache (the testenv build fills it): for every message of the
groups kubecpp models, the field numbers, names, types and labels from k8s.io/api and
k8s.io/apimachinery's generated.proto, and from the Go struct tags in types.go whether a field
is a pointer, lacks omitempty, is omitzero or is an inlined (embedded) struct. Then compares
them with client/api's .proto files, including the json_keep_zero / json_omit_zero / json_inline
options. Prints every mismatch; exits 1 if there is any.

  client/api/tools/check_protos.py [--version v0.37.2] [--modcache ~/go/pkg/mod]

Run it when moving to a new Kubernetes version: a new field shows up as "missing field".
"""
import argparse
import glob
import os
import re
import sys

GROUPS = {
    # name: (module, package dir, kubecpp dir)
    'meta': ('apimachinery', 'pkg/apis/meta/v1', 'meta/v1'),
    'runtime': ('apimachinery', 'pkg/runtime', 'runtime'),
    'resource': ('apimachinery', 'pkg/api/resource', 'resource'),
    'intstr': ('apimachinery', 'pkg/util/intstr', 'intstr'),
    'core': ('api', 'core/v1', 'core/v1'),
    'apps': ('api', 'apps/v1', 'apps/v1'),
    'batch': ('api', 'batch/v1', 'batch/v1'),
    'coordination': ('api', 'coordination/v1', 'coordination/v1'),
    'discovery': ('api', 'discovery/v1', 'discovery/v1'),
    'events': ('api', 'events/v1', 'events/v1'),
    # Only the scale subresource's body is modelled (typed clients' GetScale/UpdateScale).
    'autoscaling': ('api', 'autoscaling/v1', 'autoscaling/v1', {'Scale', 'ScaleSpec', 'ScaleStatus'}),
}
# Messages whose JSON is hand-written in Go (json_format option): their field flags do not apply.
CUSTOM_JSON = {'Unknown', 'IntOrString', 'Duration', 'FieldsV1', 'RawExtension', 'Time',
               'MicroTime', 'Verbs', 'Quantity', 'QuantityValue', 'List'}
SCALARS = {'string', 'int32', 'int64', 'bool', 'bytes', 'double', 'float', 'uint32', 'uint64'}
FIELD = re.compile(r'(optional|repeated)?\s*(map<\s*\w+\s*,\s*[\w.]+\s*>|[\w.]+)\s+(\w+)\s*=\s*'
                   r'(\d+)\s*(\[[^\]]*\])?\s*;')


def strip_comments(text):
    text = re.sub(r'/\*.*?\*/', '', text, flags=re.S)
    return re.sub(r'//[^\n]*', '', text)


def base_type(t):
    if t.startswith('map<'):
        key, value = t[4:-1].split(',')
        return 'map<%s,%s>' % (key, value.split('.')[-1])
    return t.split('.')[-1]


def parse_proto(paths):
    messages = {}
    for path in paths:
        text = strip_comments(open(path).read())
        for m in re.finditer(r'message\s+(\w+)\s*\{(.*?)\}', text, re.S):
            fields = {}
            for f in FIELD.finditer(m.group(2)):
                options = f.group(5) or ''
                flags = {flag for flag, option in (('K', 'json_keep_zero'), ('I', 'json_inline'),
                                                   ('Z', 'json_omit_zero')) if option in options}
                fields[int(f.group(4))] = (f.group(1) or 'map', base_type(f.group(2).replace(' ', '')),
                                           f.group(3), flags)
            messages[m.group(1)] = fields
    return messages


def parse_go_structs(directory):
    structs = {}
    for path in glob.glob(os.path.join(directory, '*.go')):
        name = os.path.basename(path)
        if name.endswith('_test.go') or name.startswith('zz_') or 'generated' in name:
            continue
        text = open(path).read()
        for m in re.finditer(r'^type\s+(\w+)\s+struct\s*\{\s*$(.*?)^\}', text, re.S | re.M):
            fields = {}
            for line in m.group(2).split('\n'):
                line = line.strip()
                tags = re.search(r'`(.*)`', line)
                if line.startswith('//') or not tags:
                    continue
                pb = re.search(r'protobuf:"[a-z0-9]+,(\d+),', tags.group(1))
                js = re.search(r'json:"([^"]*)"', tags.group(1))
                if not pb:
                    continue
                words = line[:tags.start()].split()
                go_type = words[-1]
                embedded = len(words) == 1
                fields[int(pb.group(1))] = (go_type, js.group(1) if js else '', embedded)
            structs[m.group(1)] = fields
    return structs


def expected_flags(label, proto_type, go_field):
    go_type, json_tag, embedded = go_field
    name, *options = json_tag.split(',')
    pointer = go_type.startswith('*')
    flags = set()
    scalar = label == 'optional' and proto_type in SCALARS
    collection = label in ('repeated', 'map')
    omit = 'omitempty' in options or 'omitzero' in options
    if embedded and not name or 'inline' in options:
        flags.add('I')
    if scalar and (pointer or not omit):
        flags.add('K')
    if collection and not omit:
        flags.add('K')
    if not scalar and not collection and not pointer and 'omitzero' in options:
        flags.add('Z')
    return flags


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--version', default='v0.37.2', help='k8s.io/api module version')
    parser.add_argument('--modcache', default=os.path.expanduser('~/go/pkg/mod'))
    args = parser.parse_args()
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    problems = 0
    for group, (module, package, ours, *subset) in GROUPS.items():
        directory = os.path.join(args.modcache, 'k8s.io', '%s@%s' % (module, args.version), package)
        theirs = parse_proto([os.path.join(directory, 'generated.proto')])
        structs = parse_go_structs(directory)
        mine = parse_proto(glob.glob(os.path.join(here, ours, '*.proto')))
        for message, fields in sorted(theirs.items()):
            if subset and message not in subset[0]:
                continue
            if message not in mine:
                print('%s: missing message %s' % (group, message))
                problems += 1
                continue
            go = structs.get(message, {})
            for number, (label, proto_type, name, _) in sorted(fields.items()):
                if number not in mine[message]:
                    print('%s.%s: missing field %d %s' % (group, message, number, name))
                    problems += 1
                    continue
                my_label, my_type, my_name, my_flags = mine[message][number]
                if (my_label, my_type, my_name) != (label, proto_type, name):
                    print('%s.%s: field %d is %s %s %s, Kubernetes has %s %s %s' % (
                        group, message, number, my_label, my_type, my_name, label, proto_type, name))
                    problems += 1
                if message in CUSTOM_JSON or number not in go:
                    continue
                want = expected_flags(label, proto_type, go[number])
                if want != my_flags:
                    print('%s.%s.%s: JSON options %s, Go tags say %s (%s `json:"%s"`)' % (
                        group, message, name, sorted(my_flags), sorted(want), go[number][0],
                        go[number][1]))
                    problems += 1
            for number in sorted(set(mine[message]) - set(fields)):
                print('%s.%s: field %d is not in Kubernetes' % (group, message, number))
                problems += 1
    print('%d problem(s)' % problems)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
