import Messages
import Testing

@Suite struct ProvincesTests {
    @Test func sixtyThreeCodes() {
        #expect(Provinces.codes.count == 63)
        #expect(Set(Provinces.codes).count == 63)
        #expect(Provinces.codes.first == "01" && Provinces.codes.last == "96")
        #expect(Provinces.name(of: "46") == "Thừa Thiên Huế")
        #expect(Provinces.name(of: "79") == "Hồ Chí Minh")
        #expect(!Provinces.isValid("03") && !Provinces.isValid("1") && !Provinces.isValid("001"))
    }

    @Test func citizenPrefixes() {
        #expect(Provinces.isValidCitizenPrefix("001"))
        #expect(Provinces.isValidCitizenPrefix("096"))
        #expect(!Provinces.isValidCitizenPrefix("003"))
        #expect(!Provinces.isValidCitizenPrefix("101"))
        #expect(!Provinces.isValidCitizenPrefix("01"))
        #expect(Provinces.code(forCitizenPrefix: "079303"[..."079303".index("079303".startIndex, offsetBy: 2)]) == "79")
        #expect(Provinces.citizenPrefix(of: "86") == "086")
        #expect(Provinces.citizenPrefix(of: "85") == nil)
    }
}
