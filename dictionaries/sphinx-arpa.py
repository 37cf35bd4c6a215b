#!/usr/bin/env python3
"""Prints a CMU Sphinx trie-format language model (en-us.lm.bin, Debian
package pocketsphinx-en-us) as an ARPA back-off model, on standard output.

usage: sphinx-arpa.py MODEL.lm.bin

The layout is sphinxbase's (lm_trie.c, lm_trie_quant.c): a header, the
order and n-gram counts, 16-bit quantisation tables, the unigrams
(log prob, log back-off, first child), then per order a bit-packed array
of (word, [back-off, prob] or prob, [next]) in a reversed trie whose first
level is the n-gram's last word, and last the vocabulary.  Values are
logarithms in base 1.0001."""
import struct
import sys

LOG10_BASE = 4.342727686266964e-05  # log10(1.0001)


def bits_for(n):
    return n.bit_length() if n else 0


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.split('\n\n')[1])
    path = sys.argv[1]
    data = open(path, 'rb').read()
    hdr = b"Trie Language Model"
    if not data.startswith(hdr) or len(data) < len(hdr) + 1:
        sys.exit("%s: not a Sphinx trie language model" % path)
    pos = len(hdr)
    order = data[pos]
    pos += 1
    if not 2 <= order <= 6:
        sys.exit("%s: unsupported order %d" % (path, order))
    counts = list(struct.unpack_from('<%dI' % order, data, pos))
    pos += 4 * order + 4  # and the unused quantisation type
    tables = []
    for _ in range(order - 2):
        probs = struct.unpack_from('<65536f', data, pos)
        bos = struct.unpack_from('<65536f', data, pos + 65536 * 4)
        pos += 2 * 65536 * 4
        tables.append((probs, bos))
    longest_probs = struct.unpack_from('<65536f', data, pos)
    pos += 65536 * 4
    uni = [struct.unpack_from('<ffI', data, pos + 12 * i) for i in range(counts[0] + 1)]
    pos += 12 * (counts[0] + 1)
    word_bits = bits_for(counts[0])
    levels = []  # per order 2..N: (offset, total bits, next bits)
    for n in range(2, order + 1):
        if n < order:
            next_bits = bits_for(counts[n])
            total = word_bits + 32 + next_bits
        else:
            next_bits = 0
            total = word_bits + 16
        levels.append((pos, total, next_bits))
        pos += ((1 + counts[n - 1]) * total + 7) // 8 + 8
    (k,) = struct.unpack_from('<i', data, pos)
    words = data[pos + 4:pos + 4 + k].split(b'\0')[:counts[0]]
    if len(words) != counts[0]:
        sys.exit("%s: truncated vocabulary" % path)
    words = [w.decode('utf-8', 'replace') for w in words]

    def field(off, nbits):
        b = off >> 3
        v = int.from_bytes(data[b:b + 8], 'little')
        return (v >> (off & 7)) & ((1 << nbits) - 1)

    def log10(v):
        return v * LOG10_BASE

    # Walk the reversed trie: a node's path is (w_n, w_{n-1}, ..., w_1).
    grams = [[] for _ in range(order + 1)]
    stack = [((i,), uni[i][2], uni[i + 1][2]) for i in range(counts[0])]
    while stack:
        path_ids, lo, hi = stack.pop()
        n = len(path_ids) + 1
        base, total, next_bits = levels[n - 2]
        for ptr in range(lo, hi):
            off = base * 8 + ptr * total
            w = field(off, word_bits)
            ids = path_ids + (w,)
            if n < order:
                bo = tables[n - 2][1][field(off + word_bits, 16)]
                prob = tables[n - 2][0][field(off + word_bits + 16, 16)]
                nlo = field(off + word_bits + 32, next_bits)
                nhi = field(off + total + word_bits + 32, next_bits)
                grams[n].append((ids[::-1], prob, bo))
                if nlo < nhi:
                    stack.append((ids, nlo, nhi))
            else:
                prob = longest_probs[field(off + word_bits, 16)]
                grams[n].append((ids[::-1], prob, None))
    out = sys.stdout
    out.write("\\data\\\n")
    out.write("ngram 1=%d\n" % counts[0])
    for n in range(2, order + 1):
        out.write("ngram %d=%d\n" % (n, len(grams[n])))
    out.write("\n\\1-grams:\n")
    for i in range(counts[0]):
        out.write("%.4f\t%s\t%.4f\n" % (log10(uni[i][0]), words[i], log10(uni[i][1])))
    for n in range(2, order + 1):
        out.write("\n\\%d-grams:\n" % n)
        g = grams[n]
        g.sort()
        for ids, prob, bo in g:
            text = ' '.join(words[i] for i in ids)
            if bo is None:
                out.write("%.4f\t%s\n" % (log10(prob), text))
            else:
                out.write("%.4f\t%s\t%.4f\n" % (log10(prob), text, log10(bo)))
    out.write("\n\\end\\\n")


if __name__ == '__main__':
    try:
        main()
    except (struct.error, IndexError):
        sys.exit("%s: truncated or damaged Sphinx trie language model" % sys.argv[1])
