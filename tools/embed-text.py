#!/usr/bin/env python3
"""embed-text.py INPUT OUTPUT SYMBOL: write a C file defining
`const char SYMBOL[]` with INPUT's bytes (used for the compiled-in schema)."""
import sys

src, dst, symbol = sys.argv[1:4]
data = open(src, "rb").read()
with open(dst, "w", encoding="ascii") as out:
    out.write("/* Generated from %s by tools/embed-text.py. */\n" % src.split("/")[-1])
    out.write("extern const char %s[];\n" % symbol)
    out.write("const char %s[] = {\n" % symbol)
    for i in range(0, len(data), 16):
        out.write("\t" + ", ".join("0x%02x" % b for b in data[i:i + 16]) + ",\n")
    out.write("\t0x00\n};\n")
