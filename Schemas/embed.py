#!/usr/bin/env python3
"""Copies Schemas/vouchers.xsd into Sources/StockRead/XML/XMLVoucherReader+Schema.swift."""
import os
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
xsd = open(os.path.join(root, "Schemas", "vouchers.xsd")).read()
out = ("// The XSD of Schemas/vouchers.xsd, compiled into the binary so that `stockledger` validates XML wherever\n"
       "// it runs. A test keeps it identical to the file: edit Schemas/vouchers.xsd, then run\n"
       "// `python3 Schemas/embed.py`.\n"
       "extension XMLVoucherReader {\n"
       "  public static let embeddedSchema = #\"\"\"\n" + xsd + "\n\"\"\"#\n}\n")
open(os.path.join(root, "Sources", "StockRead", "XML", "XMLVoucherReader+Schema.swift"), "w").write(out)
