// The XSD of Schemas/vouchers.xsd, compiled into the binary so that `stockledger` validates XML wherever
// it runs. A test keeps it identical to the file: edit Schemas/vouchers.xsd, then run
// `python3 Schemas/embed.py`.
extension XMLVoucherReader {
  public static let embeddedSchema = #"""
<?xml version="1.0" encoding="UTF-8"?>
<!--
  stockledger voucher files, XML form (SPEC §4.2). The vocabulary is exactly that of the CSV layout
  (Schemas/voucher-csv-layout.json): voucher-level columns are attributes of <voucher>; row columns are
  attributes of <item>, <tax> and <additional_cost>; serial numbers are <serial_no> children of <item>.
  Files are validated against this schema before anything in them is used. A DOCTYPE, entity declarations
  and XInclude are refused before parsing, and nothing is ever fetched from the network.
-->
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns="urn:stockledger:vouchers:1"
           targetNamespace="urn:stockledger:vouchers:1"
           elementFormDefault="qualified" attributeFormDefault="unqualified">

  <!-- ============================================================ simple types -->

  <xs:simpleType name="Number">
    <xs:annotation><xs:documentation>An exact decimal: optional sign, digits, optional '.' and 1 to 9
      fraction digits. No grouping, exponent, NaN or Inf (SPEC §2).</xs:documentation></xs:annotation>
    <xs:restriction base="xs:decimal">
      <xs:pattern value="[+\-]?[0-9]+(\.[0-9]{1,9})?"/>
    </xs:restriction>
  </xs:simpleType>

  <xs:simpleType name="Date">
    <xs:annotation><xs:documentation>ISO date YYYY-MM-DD in business time, no time zone.</xs:documentation></xs:annotation>
    <xs:restriction base="xs:date">
      <xs:pattern value="[0-9]{4}-[0-9]{2}-[0-9]{2}"/>
    </xs:restriction>
  </xs:simpleType>

  <xs:simpleType name="Time">
    <xs:annotation><xs:documentation>HH:MM[:SS[.ffffff]]; ordering uses whole seconds.</xs:documentation></xs:annotation>
    <xs:restriction base="xs:string">
      <xs:pattern value="([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?"/>
    </xs:restriction>
  </xs:simpleType>

  <xs:simpleType name="Flag">
    <xs:annotation><xs:documentation>1 (yes) or 0 / empty (no).</xs:documentation></xs:annotation>
    <xs:restriction base="xs:string">
      <xs:enumeration value=""/><xs:enumeration value="0"/><xs:enumeration value="1"/>
    </xs:restriction>
  </xs:simpleType>

  <xs:simpleType name="Text">
    <xs:restriction base="xs:string"><xs:maxLength value="1000"/></xs:restriction>
  </xs:simpleType>

  <xs:simpleType name="Code">
    <xs:annotation><xs:documentation>A non-empty identifier (voucher number, item code, ...).</xs:documentation></xs:annotation>
    <xs:restriction base="xs:string"><xs:minLength value="1"/><xs:maxLength value="140"/></xs:restriction>
  </xs:simpleType>

  <xs:simpleType name="VoucherType">
    <xs:restriction base="xs:string">
      <xs:enumeration value="Purchase Receipt"/>
      <xs:enumeration value="Purchase Invoice"/>
      <xs:enumeration value="Delivery Note"/>
      <xs:enumeration value="Sales Invoice"/>
      <xs:enumeration value="Stock Entry"/>
      <xs:enumeration value="Stock Reconciliation"/>
      <xs:enumeration value="Sales Order"/>
      <xs:enumeration value="Purchase Order"/>
      <xs:enumeration value="Work Order"/>
    </xs:restriction>
  </xs:simpleType>

  <xs:simpleType name="Action">
    <xs:annotation><xs:documentation>Empty: submit. cancel: reverse a posted voucher. close: end an open order.</xs:documentation></xs:annotation>
    <xs:restriction base="xs:string">
      <xs:enumeration value=""/><xs:enumeration value="cancel"/><xs:enumeration value="close"/>
    </xs:restriction>
  </xs:simpleType>

  <xs:simpleType name="Purpose">
    <xs:restriction base="xs:string">
      <xs:enumeration value=""/>
      <xs:enumeration value="Material Receipt"/>
      <xs:enumeration value="Material Issue"/>
      <xs:enumeration value="Material Transfer"/>
      <xs:enumeration value="Manufacture"/>
      <xs:enumeration value="Repack"/>
      <xs:enumeration value="Opening Stock"/>
    </xs:restriction>
  </xs:simpleType>

  <xs:simpleType name="TaxCategory">
    <xs:restriction base="xs:string">
      <xs:enumeration value="Total"/>
      <xs:enumeration value="Valuation"/>
      <xs:enumeration value="Valuation and Total"/>
    </xs:restriction>
  </xs:simpleType>

  <!-- ============================================================ elements -->

  <xs:element name="vouchers">
    <xs:annotation><xs:documentation>The root: any number of vouchers, posted in (posting date, posting time,
      arrival) order together with the vouchers of every other file of the run.</xs:documentation></xs:annotation>
    <xs:complexType>
      <xs:sequence>
        <xs:element ref="voucher" minOccurs="0" maxOccurs="unbounded"/>
      </xs:sequence>
    </xs:complexType>
  </xs:element>

  <xs:element name="voucher">
    <xs:complexType>
      <xs:choice minOccurs="0" maxOccurs="unbounded">
        <xs:element ref="item"/>
        <xs:element ref="tax"/>
        <xs:element ref="additional_cost"/>
      </xs:choice>
      <xs:attribute name="voucher_type" type="VoucherType" use="required"/>
      <xs:attribute name="voucher_no" type="Code" use="required">
        <xs:annotation><xs:documentation>Unique across the ledger.</xs:documentation></xs:annotation>
      </xs:attribute>
      <xs:attribute name="posting_date" type="Date" use="required"/>
      <xs:attribute name="posting_time" type="Time"><xs:annotation><xs:documentation>Default 00:00:00.</xs:documentation></xs:annotation></xs:attribute>
      <xs:attribute name="action" type="Action"/>
      <xs:attribute name="purpose" type="Purpose"><xs:annotation><xs:documentation>Stock Entry purpose, or Opening Stock for a Stock Reconciliation.</xs:documentation></xs:annotation></xs:attribute>
      <xs:attribute name="party" type="Text"><xs:annotation><xs:documentation>Supplier or customer (PR, PI, DN, SI, SO, PO).</xs:documentation></xs:annotation></xs:attribute>
      <xs:attribute name="is_return" type="Flag"/>
      <xs:attribute name="return_against" type="Text"><xs:annotation><xs:documentation>The voucher this one returns.</xs:documentation></xs:annotation></xs:attribute>
      <xs:attribute name="update_stock" type="Flag"><xs:annotation><xs:documentation>PI, SI: the invoice moves stock too.</xs:documentation></xs:annotation></xs:attribute>
      <xs:attribute name="against_voucher" type="Text"><xs:annotation><xs:documentation>The document this one fulfils (PR→PO, PI→PR, DN/SI→SO, Stock Entry→Work Order).</xs:documentation></xs:annotation></xs:attribute>
      <xs:attribute name="remarks" type="Text"/>
    </xs:complexType>
  </xs:element>

  <xs:element name="item">
    <xs:annotation><xs:documentation>An item row. qty is always positive: the voucher type gives the direction.</xs:documentation></xs:annotation>
    <xs:complexType>
      <xs:sequence>
        <xs:element name="serial_no" type="Code" minOccurs="0" maxOccurs="unbounded"/>
      </xs:sequence>
      <xs:attribute name="item_code" type="Code"/>
      <xs:attribute name="barcode" type="Code"><xs:annotation><xs:documentation>Stands for item_code (items.csv barcodes).</xs:documentation></xs:annotation></xs:attribute>
      <xs:attribute name="warehouse" type="Text"><xs:annotation><xs:documentation>Where stock enters or leaves (all but Stock Entry); the planning warehouse of orders.</xs:documentation></xs:annotation></xs:attribute>
      <xs:attribute name="source_warehouse" type="Text"><xs:annotation><xs:documentation>Stock Entry: where stock leaves.</xs:documentation></xs:annotation></xs:attribute>
      <xs:attribute name="target_warehouse" type="Text"><xs:annotation><xs:documentation>Stock Entry: where stock enters.</xs:documentation></xs:annotation></xs:attribute>
      <xs:attribute name="is_finished_item" type="Flag"/>
      <xs:attribute name="is_scrap_item" type="Flag"/>
      <xs:attribute name="qty" type="Number"><xs:annotation><xs:documentation>Greater than 0, in uom; Stock Reconciliation: the absolute qty to set (absent: keep).</xs:documentation></xs:annotation></xs:attribute>
      <xs:attribute name="uom" type="Text"/>
      <xs:attribute name="conversion_factor" type="Number"/>
      <xs:attribute name="rate" type="Number"><xs:annotation><xs:documentation>Purchase or selling rate, basic rate of a Material Receipt, valuation rate of a reconciliation.</xs:documentation></xs:annotation></xs:attribute>
      <xs:attribute name="batch_no" type="Text"/>
      <xs:attribute name="batch_expiry_date" type="Date"/>
      <xs:attribute name="batch_manufacturing_date" type="Date"/>
      <xs:attribute name="serial_nos" type="Text"><xs:annotation><xs:documentation>';'-separated serials, as in CSV; or use serial_no children.</xs:documentation></xs:annotation></xs:attribute>
      <xs:attribute name="expense_account" type="Text"/>
      <xs:attribute name="income_account" type="Text"/>
      <xs:attribute name="cost_center" type="Text"/>
      <xs:attribute name="remarks" type="Text"/>
    </xs:complexType>
  </xs:element>

  <xs:complexType name="Charge">
    <xs:attribute name="account" type="Code" use="required"/>
    <xs:attribute name="amount" type="Number"><xs:annotation><xs:documentation>A fixed sum.</xs:documentation></xs:annotation></xs:attribute>
    <xs:attribute name="tax_rate" type="Number"><xs:annotation><xs:documentation>A percentage of the net total.</xs:documentation></xs:annotation></xs:attribute>
    <xs:attribute name="tax_category" type="TaxCategory"/>
    <xs:attribute name="remarks" type="Text"/>
  </xs:complexType>

  <xs:element name="tax" type="Charge"/>
  <xs:element name="additional_cost" type="Charge"/>
</xs:schema>

"""#
}
