#!/usr/bin/env python3
"""Generates the hospital fixtures and manifest.json. Synthetic people only.

Run from anywhere: python3 Fixtures/hospital/generate.py. Output is deterministic.
"""
import base64, json, os

HERE = os.path.dirname(os.path.abspath(__file__))

XML1_FIELDS = """MA_LK STT MA_BN HO_TEN SO_CCCD NGAY_SINH GIOI_TINH NHOM_MAU MA_QUOCTICH MA_DANTOC MA_NGHE_NGHIEP DIA_CHI
MATINH_CU_TRU MAHUYEN_CU_TRU MAXA_CU_TRU DIEN_THOAI MA_THE_BHYT MA_DKBD GT_THE_TU GT_THE_DEN NGAY_MIEN_CCT LY_DO_VV
LY_DO_VNT MA_LY_DO_VNT CHAN_DOAN_VAO CHAN_DOAN_RV MA_BENH_CHINH MA_BENH_KT MA_BENH_YHCT MA_PTTT_QT MA_DOITUONG_KCB
MA_NOI_DI MA_NOI_DEN MA_TAI_NAN NGAY_VAO NGAY_VAO_NOI_TRU NGAY_RA GIAY_CHUYEN_TUYEN SO_NGAY_DTRI PP_DIEU_TRI KET_QUA_DTRI
MA_LOAI_RV GHI_CHU NGAY_TTOAN T_THUOC T_VTYT T_TONGCHI_BV T_TONGCHI_BH T_BNTT T_BNCCT T_BHTT T_NGUONKHAC T_BHTT_GDV
NAM_QT THANG_QT MA_LOAI_KCB MA_KHOA MA_CSKCB MA_KHUVUC CAN_NANG CAN_NANG_CON NAM_NAM_LIEN_TUC NGAY_TAI_KHAM MA_HSBA
MA_TTDV DU_PHONG""".split()

BASE = {
    "MA_LK": "LK2024000001", "MA_CSKCB": "01013", "SO_CCCD": "001303012345", "HO_TEN": "Nguyễn Thị An",
    "NGAY_SINH": "200305150000", "GIOI_TINH": "2", "MA_THE_BHYT": "HS4010123456789", "MA_LOAI_KCB": "01",
    "NGAY_VAO": "202403011015", "NGAY_RA": "202403011130", "LY_DO_VV": "Sốt, ho 3 ngày",
    "CHAN_DOAN_RV": "Viêm phổi & sốt", "MA_BENH_CHINH": "J18.9", "MA_BENH_KT": "J20.9;R50.9",
    "KET_QUA_DTRI": "1", "NGAY_TAI_KHAM": "20240308",
}

EXTRA = {
    "STT": "1", "MA_BN": "BN000001", "NHOM_MAU": "O+", "MA_QUOCTICH": "000", "MA_DANTOC": "01",
    "MA_NGHE_NGHIEP": "00000", "DIA_CHI": "Số 1 Phố Giả Định, Hà Nội", "MATINH_CU_TRU": "01",
    "MAHUYEN_CU_TRU": "001", "MAXA_CU_TRU": "00001", "MA_DKBD": "01013", "GT_THE_TU": "20240101",
    "GT_THE_DEN": "20241231", "CHAN_DOAN_VAO": "Sốt", "MA_DOITUONG_KCB": "1.1", "SO_NGAY_DTRI": "0",
    "MA_LOAI_RV": "1", "NGAY_TTOAN": "202403011200", "T_THUOC": "120000.00", "T_VTYT": "0.00",
    "T_TONGCHI_BV": "250000.00", "T_TONGCHI_BH": "250000.00", "T_BNTT": "0.00", "T_BNCCT": "50000.00",
    "T_BHTT": "200000.00", "T_NGUONKHAC": "0.00", "T_BHTT_GDV": "0.00", "NAM_QT": "2024", "THANG_QT": "3",
    "MA_KHOA": "K01", "MA_HSBA": "HSBA000001", "MA_TTDV": "0101234567",
}


def esc(v):
    return v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def xml1(fields, extra=EXTRA, omit=()):
    parts = ['<?xml version="1.0" encoding="utf-8"?>\n<TONG_HOP>\n']
    for name in XML1_FIELDS:
        if name in omit:
            continue
        value = fields.get(name, extra.get(name, ""))
        parts.append(f"  <{name}>{esc(value)}</{name}>\n" if value else f"  <{name}/>\n")
    parts.append("</TONG_HOP>\n")
    return "".join(parts).encode()


def xml2(ma_lk):
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<CHITIEU_CHITIET_THUOC><DSACH_CHI_TIET_THUOC><CHI_TIET_THUOC>'
            f'<MA_LK>{ma_lk}</MA_LK><STT>1</STT><MA_THUOC>40.17</MA_THUOC><TEN_THUOC>Paracetamol 500mg</TEN_THUOC>'
            f'<SO_LUONG>10</SO_LUONG><THANH_TIEN_BV>12000</THANH_TIEN_BV></CHI_TIET_THUOC></DSACH_CHI_TIET_THUOC>'
            f'</CHITIEU_CHITIET_THUOC>\n').encode()


def envelope(hosos, facility="01013", count=None, ngaylap="20240301"):
    """hosos: list of lists of (LOAIHOSO, content bytes or raw base64 str)."""
    out = ['<?xml version="1.0" encoding="utf-8"?>\n',
           '<GIAMDINHHS xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">\n',
           f'  <THONGTINDONVI><MACSKCB>{facility}</MACSKCB></THONGTINDONVI>\n  <THONGTINHOSO>\n',
           f'    <NGAYLAP>{ngaylap}</NGAYLAP>\n    <SOLUONGHOSO>{len(hosos) if count is None else count}</SOLUONGHOSO>\n',
           '    <DANHSACHHOSO>\n']
    for files in hosos:
        out.append("      <HOSO>\n")
        for kind, content in files:
            b64 = content if isinstance(content, str) else base64.b64encode(content).decode()
            out.append(f"        <FILEHOSO><LOAIHOSO>{kind}</LOAIHOSO><NOIDUNGFILE>{b64}</NOIDUNGFILE></FILEHOSO>\n")
        out.append("      </HOSO>\n")
    out.append("    </DANHSACHHOSO>\n  </THONGTINHOSO>\n  <CHUKYDONVI/>\n</GIAMDINHHS>\n")
    return "".join(out).encode()


PROVINCES = ["001", "079", "031", "048", "092", "086", "038", "040", "046", "075"]


def person(i):
    """A structurally valid synthetic person: CCCD consistent with sex and birth date."""
    year = 1940 + (i * 7) % 80
    sex = 1 + i % 2
    century = year // 100 - 19
    d4 = 2 * century + (sex - 1)
    cccd = f"{PROVINCES[i % len(PROVINCES)]}{d4}{year % 100:02d}{100000 + i * 37:06d}"[:12]
    birth = f"{year}{1 + i % 12:02d}{1 + i % 28:02d}0000"
    return cccd, birth, str(sex)


def visit(i, facility="01013"):
    cccd, birth, sex = person(i)
    v = dict(BASE)
    v.update({"MA_LK": f"LK2024{i:06d}", "MA_CSKCB": facility, "SO_CCCD": cccd, "NGAY_SINH": birth, "GIOI_TINH": sex,
              "HO_TEN": f"Bệnh Nhân Giả Định {i}", "MA_THE_BHYT": f"GD4{facility[:2]}{1000000000 + i:010d}"})
    return v


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def jdump(obj):
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


cases = []


def case(file, status, accepted=0, rejected=0, adapter="hospital.visit", content_type=None, code="01013",
         problems=(), failure=None, note=""):
    ct = content_type or ("application/json" if file.endswith(".json") else "application/xml")
    c = {"file": file, "adapter": adapter, "contentType": ct, "senderCode": code, "status": status,
         "accepted": accepted, "rejected": rejected, "problems": [dict(item=i, field=f, code=k) for i, f, k in problems]}
    if failure:
        c["failureCode"] = failure
    if note:
        c["note"] = note
    cases.append(c)


# --- valid -----------------------------------------------------------------------------------------------
write("visit-single.json", jdump(BASE))
case("visit-single.json", 202, 1, note="woman born 2003, Hà Nội; same visit as visit-xml1.xml")

# Same visit, keys shuffled and whitespace: same content hash as visit-single.json.
write("visit-single-reordered.json", json.dumps(dict(reversed(list(BASE.items()))), ensure_ascii=False, indent=7) + "\n")
case("visit-single-reordered.json", 202, 1, note="same fields as visit-single.json in another key order")

five = [visit(i) for i in range(1, 4)]
newborn = visit(4); newborn["SO_CCCD"] = ""; newborn["MA_THE_BHYT"] = ""; newborn["NGAY_SINH"] = "202402281435"
foreigner = visit(5); foreigner["SO_CCCD"] = "B1234567"
five[0]["GIOI_TINH"] = int(five[0]["GIOI_TINH"]); five[0]["KET_QUA_DTRI"] = 2  # JSON integers accepted
write("visits-array5.json", jdump(five + [newborn, foreigner]))
case("visits-array5.json", 200, 5, note="3 citizens, a newborn without ID or card, a foreigner with a passport")

write("visit-xml1.xml", xml1(BASE))
case("visit-xml1.xml", 202, 1, note="bare XML1 (TONG_HOP, 66 elements) of visit-single.json")

hosos = []
for i in range(1, 21):
    v = visit(100 + i)
    files = [("XML1", xml1(v, dict(EXTRA, STT="1", MA_BN=f"BN{i:06d}")))]
    if i % 3 == 0:
        files.append(("XML2", xml2(v["MA_LK"])))
    hosos.append(files)
write("envelope-20.xml", envelope(hosos))
case("envelope-20.xml", 200, 20, note="GIAMDINHHS with 20 HOSO, some with XML2")

write("checkin-valid.xml", ('<?xml version="1.0" encoding="utf-8"?>\n<CHI_TIEU_TRANG_THAI_KCB><DSACH_TRANG_THAI_KCB>'
      '<TRANG_THAI_KCB><MA_LK>LK2024000001</MA_LK><STT>1</STT><MA_BN>BN000001</MA_BN><HO_TEN>Nguyễn Thị An</HO_TEN>'
      '<SO_CCCD>001303012345</SO_CCCD><NGAY_SINH>200305150000</NGAY_SINH><GIOI_TINH>2</GIOI_TINH>'
      '<MA_THE_BHYT>HS4010123456789</MA_THE_BHYT><MA_DKBD>01013</MA_DKBD><GT_THE_TU>20240101</GT_THE_TU>'
      '<GT_THE_DEN>20241231</GT_THE_DEN><MA_DOITUONG_KCB>1.1</MA_DOITUONG_KCB><NGAY_VAO>202403011015</NGAY_VAO>'
      '<NGAY_VAO_NOI_TRU/><LY_DO_VNT/><MA_LY_DO_VNT/><MA_LOAI_KCB>01</MA_LOAI_KCB><MA_CSKCB>01013</MA_CSKCB>'
      '<MA_DICH_VU>02.1896</MA_DICH_VU><TEN_DICH_VU>Khám nội</TEN_DICH_VU><MA_THUOC/><TEN_THUOC/><MA_VAT_TU/>'
      '<TEN_VAT_TU/><NGAY_YL>202403011020</NGAY_YL><DU_PHONG/></TRANG_THAI_KCB>'
      '</DSACH_TRANG_THAI_KCB><CHUKYDONVI/></CHI_TIEU_TRANG_THAI_KCB>\n'))
case("checkin-valid.xml", 202, 1, adapter="hospital.checkin")

# --- invalid: one item per rule (sender without a facility code, so MA_CSKCB rules stand alone) ---------
rules = []


def broken(field_values, expect, drop=()):
    v = dict(BASE)
    v["MA_LK"] = f"LKBAD{len(rules):03d}"
    v.update(field_values)
    for d in drop:
        v.pop(d, None)
    rules.append((v, expect))


broken({"MA_LK": ""}, [("MA_LK", "required")])
broken({"MA_LK": "L" * 101}, [("MA_LK", "too_long")])
broken({"MA_CSKCB": ""}, [("MA_CSKCB", "required")])
broken({"MA_CSKCB": "0101"}, [("MA_CSKCB", "format")])
broken({"MA_CSKCB": "03013"}, [("MA_CSKCB", "code_list")])
broken({"SO_CCCD": "003085001234", "NGAY_SINH": "198501010000", "GIOI_TINH": "1"}, [("SO_CCCD", "id_province")])
broken({"SO_CCCD": "079185001234", "NGAY_SINH": "198501010000", "GIOI_TINH": "1"}, [("SO_CCCD", "id_century_sex")])
broken({"NGAY_SINH": "200405150000"}, [("SO_CCCD", "id_birth_year")])
broken({"SO_CCCD": "12345"}, [("SO_CCCD", "format")])
broken({"SO_CCCD": "0013030123456789"}, [("SO_CCCD", "too_long")])
broken({"HO_TEN": ""}, [("HO_TEN", "required")])
broken({"HO_TEN": "A" * 256}, [("HO_TEN", "too_long")])
broken({"NGAY_SINH": "2003051500"}, [("NGAY_SINH", "format")])
broken({"NGAY_SINH": "200302300000"}, [("NGAY_SINH", "invalid_date")])
broken({"NGAY_SINH": "180001010000"}, [("NGAY_SINH", "invalid_date")])
broken({"GIOI_TINH": "4"}, [("GIOI_TINH", "code_list")])
broken({}, [("MA_THE_BHYT", "required")], drop=("MA_THE_BHYT",))
broken({"MA_THE_BHYT": "HS401012345"}, [("MA_THE_BHYT", "card_format")])
broken({"MA_THE_BHYT": "HS6010123456789"}, [("MA_THE_BHYT", "card_format")])
broken({"MA_THE_BHYT": ";".join(["HS4010123456789"] * 4)}, [("MA_THE_BHYT", "too_long")])
broken({"MA_LOAI_KCB": "10"}, [("MA_LOAI_KCB", "code_list")])
broken({"NGAY_VAO": "202413011015"}, [("NGAY_VAO", "invalid_date")])
broken({"NGAY_RA": "202403010900"}, [("NGAY_RA", "date_order")])
broken({"NGAY_RA": "20240301"}, [("NGAY_RA", "format")])
broken({"LY_DO_VV": "  "}, [("LY_DO_VV", "required")])
broken({"CHAN_DOAN_RV": ""}, [("CHAN_DOAN_RV", "required")])
broken({"MA_BENH_CHINH": "J189"}, [("MA_BENH_CHINH", "icd10")])
broken({"MA_BENH_CHINH": "J18.99999"}, [("MA_BENH_CHINH", "too_long")])
broken({"MA_BENH_KT": "J20.9;X"}, [("MA_BENH_KT", "icd10")])
broken({"MA_BENH_KT": ";".join(f"A{n:02d}" for n in range(13))}, [("MA_BENH_KT", "too_many")])
broken({"KET_QUA_DTRI": "9"}, [("KET_QUA_DTRI", "code_list")])
broken({"NGAY_TAI_KHAM": "20240230"}, [("NGAY_TAI_KHAM", "invalid_date")])
broken({"NGAY_TAI_KHAM": "2024-03-08"}, [("NGAY_TAI_KHAM", "format")])
broken({"GIOI_TINH": True}, [("GIOI_TINH", "format")])
broken({"MA_LOAI_KCB": 1}, [("MA_LOAI_KCB", "format")])
write("visits-invalid-rules.json", jdump([v for v, _ in rules]))
case("visits-invalid-rules.json", 200, 0, len(rules), code=None,
     problems=[(i, f, k) for i, (_, exp) in enumerate(rules) for f, k in exp],
     note="one item per rule of DOMAIN.md §1; each item breaks exactly one rule")

everything = {"MA_LK": "", "MA_CSKCB": "1", "HO_TEN": "", "NGAY_SINH": "x", "GIOI_TINH": "0",
              "MA_THE_BHYT": "X", "MA_LOAI_KCB": "", "NGAY_VAO": "", "NGAY_RA": "", "MA_BENH_CHINH": "j18"}
write("visit-many-problems.json", jdump(everything))
case("visit-many-problems.json", 422, 0, 1, code=None, problems=[
    (0, "MA_LK", "required"), (0, "MA_CSKCB", "format"), (0, "HO_TEN", "required"), (0, "NGAY_SINH", "format"),
    (0, "GIOI_TINH", "code_list"), (0, "MA_THE_BHYT", "card_format"), (0, "MA_LOAI_KCB", "required"),
    (0, "NGAY_VAO", "required"), (0, "NGAY_RA", "required"), (0, "LY_DO_VV", "required"),
    (0, "CHAN_DOAN_RV", "required"), (0, "MA_BENH_CHINH", "icd10"), (0, "KET_QUA_DTRI", "required")],
    note="all problems reported at once")

wrong = dict(BASE); wrong["MA_CSKCB"] = "79001"
write("visit-wrong-facility.json", jdump(wrong))
case("visit-wrong-facility.json", 422, 0, 1, problems=[(0, "MA_CSKCB", "facility_mismatch")])

write("visit-xml1-invalid.xml", xml1(dict(BASE, NGAY_RA="202402291200"), omit=("MA_THE_BHYT",)))
case("visit-xml1-invalid.xml", 422, 0, 1, problems=[(0, "MA_THE_BHYT", "required"), (0, "NGAY_RA", "date_order")])

write("not-json.json", b'{"MA_LK": "LK1",')
case("not-json.json", 400)
write("empty-array.json", b"[]\n")
case("empty-array.json", 422)

write("envelope-count-mismatch.xml", envelope(hosos[:2], count=3))
case("envelope-count-mismatch.xml", 422, problems=[(None, "THONGTINHOSO.SOLUONGHOSO", "count_mismatch")])
write("envelope-wrong-facility.xml", envelope(hosos[:2], facility="79001"))
case("envelope-wrong-facility.xml", 422, problems=[(None, "THONGTINDONVI.MACSKCB", "facility_mismatch")])

bad = [list(h) for h in hosos[:3]]
bad[1] = [("XML1", "VGhpcyBpcyBub3Q@@base64!!")] + bad[1][1:]
write("envelope-broken-base64.xml", envelope(bad))
case("envelope-broken-base64.xml", 200, 2, 1, problems=[(1, "FILEHOSO[0].NOIDUNGFILE", "base64")],
     note="a bad HOSO does not block the good ones")

no_xml1 = [list(hosos[0]), [("XML2", xml2("LK2024000999"))]]
write("envelope-missing-xml1.xml", envelope(no_xml1))
case("envelope-missing-xml1.xml", 200, 1, 1, problems=[(1, "FILEHOSO", "required")])

write("checkin-invalid.xml", ('<?xml version="1.0"?>\n<CHI_TIEU_TRANG_THAI_KCB><DSACH_TRANG_THAI_KCB>'
      '<TRANG_THAI_KCB><MA_LK>LK1</MA_LK><STT>1</STT><MA_BN>BN1</MA_BN><HO_TEN>Trần Văn Bình</HO_TEN>'
      '<NGAY_SINH>199001010000</NGAY_SINH><GIOI_TINH>1</GIOI_TINH><MA_DOITUONG_KCB>1.1</MA_DOITUONG_KCB>'
      '<NGAY_VAO>202403011015</NGAY_VAO><MA_LOAI_KCB>01</MA_LOAI_KCB><MA_CSKCB>01013</MA_CSKCB>'
      '<MA_THUOC>40.17</MA_THUOC><NGAY_YL>202403011020</NGAY_YL></TRANG_THAI_KCB>'
      '<TRANG_THAI_KCB><STT>2</STT><MA_BN>BN2</MA_BN><HO_TEN>Lê Văn Cường</HO_TEN>'
      '<NGAY_SINH>199001010000</NGAY_SINH><GIOI_TINH>1</GIOI_TINH><MA_DOITUONG_KCB>1.1</MA_DOITUONG_KCB>'
      '<NGAY_VAO>202403011015</NGAY_VAO><NGAY_VAO_NOI_TRU>202403011100</NGAY_VAO_NOI_TRU>'
      '<MA_LOAI_KCB>03</MA_LOAI_KCB><MA_CSKCB>01013</MA_CSKCB><MA_DICH_VU>02.1896</MA_DICH_VU>'
      '<NGAY_YL>202403011020</NGAY_YL></TRANG_THAI_KCB>'
      '</DSACH_TRANG_THAI_KCB></CHI_TIEU_TRANG_THAI_KCB>\n'))
case("checkin-invalid.xml", 200, 1, 1, adapter="hospital.checkin",
     problems=[(1, "MA_LK", "required"), (1, "LY_DO_VNT", "required")])

# --- hostile ---------------------------------------------------------------------------------------------
laughs = ['<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n']
prev = "lol"
for n in range(1, 10):
    laughs.append(f' <!ENTITY lol{n} "{("&" + prev + ";") * 10}">\n')
    prev = f"lol{n}"
laughs.append(']>\n<TONG_HOP><MA_LK>&lol9;</MA_LK></TONG_HOP>\n')
write("hostile-billion-laughs.xml", "".join(laughs))
case("hostile-billion-laughs.xml", 400, failure="doctype")

write("hostile-xxe.xml", '<?xml version="1.0"?>\n<!DOCTYPE TONG_HOP [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>\n'
      '<TONG_HOP><MA_LK>&xxe;</MA_LK></TONG_HOP>\n')
case("hostile-xxe.xml", 400, failure="doctype")

write("hostile-deep-nesting.xml", "<TONG_HOP>" + "<a>" * 10000 + "</a>" * 10000 + "</TONG_HOP>")
case("hostile-deep-nesting.xml", 400, failure="depth")

write("hostile-latin1.xml", '<?xml version="1.0" encoding="ISO-8859-1"?>\n<TONG_HOP><HO_TEN>Nguy'.encode()
      + "ễn".encode("utf-8") + b"</HO_TEN></TONG_HOP>\n")
case("hostile-latin1.xml", 400, failure="encoding")

write("hostile-unknown-entity.xml", '<?xml version="1.0"?>\n<TONG_HOP><HO_TEN>&nbsp;</HO_TEN></TONG_HOP>\n')
case("hostile-unknown-entity.xml", 400, failure="entity")

inner_bomb = "".join(laughs).encode()
write("envelope-hostile-inner.xml", envelope([list(hosos[0]), [("XML1", inner_bomb)]]))
case("envelope-hostile-inner.xml", 200, 1, 1, problems=[(1, "FILEHOSO[0].NOIDUNGFILE", "xml")],
     note="a DOCTYPE inside a HOSO's XML1 rejects that HOSO only")

manifest = {
    "description": "Hospital fixtures: expected outcome per file. status: 202 single accepted, 422 single rejected "
                   "or whole body invalid, 200 batch (accepted/rejected counts), 400 malformed, 413 too large. "
                   "problems: item index (null for body-level) + field + code; for batches and single items the "
                   "listed problems are exactly the item's problems.",
    "sender": {"agency": "bv-bach-mai", "kind": "hospital"},
    "cases": cases,
}
write("manifest.json", jdump(manifest))
print(f"{len(cases)} cases written")
