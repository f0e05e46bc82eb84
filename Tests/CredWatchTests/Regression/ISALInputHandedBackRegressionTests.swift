import Foundation
import Testing

@testable import CredWatch

/// FuzzInflate and FuzzZip found deflate data on which ISA-L, at the end of a stream, handed
/// unused bits back by moving its input pointer into the bytes it had retained from the step
/// before: more input was "available" after the step than the step had offered, and counting
/// what was consumed from `avail_in` overflowed (a trap, the whole process gone). The inputs
/// are the fuzzers' own, read the way the fuzzers read them.
@Suite("regression: ISA-L handing input back at a stream's end")
struct ISALInputHandedBackRegressionTests {
    /// A gzip member with trailing bytes, through a whole decode session.
    static let gzip = Data(
        base64Encoded:
            "H4sIAAAAAAACA+1Z61Liyhb2L1TxDl01f2a2kiu5QNWuMxhhcERlC3gZmaKapIHWpDt2Egfcnlc4L3Ve7KyAOqLbGce51Nnn"
            + "9FeYcOnV/fVanXWzeXCqV4ytRqPhVjx7y7G1uqs3bdeuW9Vq03UMrfoRnRqaUSnrellzeoY+1KyhaSpV17GtirauwRfaR3Xt"
            + "aWgAx7IWd8DD++K9XnF0xzSMigHf6za8WUPW2i9AlqRYILT2f4rmj7K/x/k5JYn6Q+zv2HCT9v872b+Dk+QTF0GipLP0sf3t"
            + "SuUp+1dM01m1v6E5tr6GNGn/n47fAQAAAAAAAC5ehlLxN4TQcLj4G+a4uSJ4PY2l3DVCAzW/5RLXucDwWkWDZ8hdD9TrXHwI"
            + "f/lHpMJ6g2fILS/XC4ZwV/OlvyB4I5cvA5fFzntpdQi00WA4+LLct2Mp1yMhmQgc1VCqRERtzEgUh8QLeRa0+SR5Uq4pSDRF"
            + "YT6EXBIxRwGeozJKsjjmIkVvbybq3ny+kXup4UvF/kG7hqZpGic1VR2TjIYhcXQlJUmqZgkRKlChDMbBe4YjUkMhzgRWxpyl"
            + "mDLyNuZJuhheKt66jRqqhyOcCp6UYyr4JCNlUxXrK3EcUh+nlLMCs3mocOBQqleM"
    )!

    /// A zip whose deflated members end mid-buffer.
    static let zip = Data(
        base64Encoded:
            "UEsDBBQAAAAIAABIdFlUaKg6bQsAAAQNAAAZAAAAW0ZSXUBFWEVNUExFQ0xPVUQgKDEpLnppcI1Wd1RTexIOvXdCjRQxtNBE"
            + "OiK9QwhVilKEUCNIb9IhFOkEApEuPJGOoTwQFBCRDlJEpEsTlCJVkLLx7Nvjytm3u/f+MWfm3Pl+Z34z95sPpktAyAgAAEgB"
            + "AC0fC+wN0n58fACglQgAoMNFlREILpidt7e/h5eDt4hPgE8eSjfloxijxtFpgslm8d3lXp4I0whHQX1WKrB6njp4WQbdFWXP"
            + "roikfPVShKHhtZBgz9VdQbm10CMs9sdjTgYna23rqD2ixh7Y5kPKH0XMAU9koK0O+8+arIV5oaUNMIZ5Zno67XYgl0DASKHl"
            + "h4z+UUVS9G66mIFJcdPQ6ESX4R0TQinGa2Hnic1phwYbLrCWplzHqa4cuhiqd3a0h/NHz7/A/xyPg9EYd/bMhVNQ5T5sHC1g"
            + "ENZecsLofidrnhcMuTtbg3Y5SZ0TZl4X9TVyg69qMUW/srqqPc61UfgklUsoAUpwUkjYuWApadsSs90TgdDorSWC6lOLgCWd"
            + "3BXdA6XVOrOkayLSiJAehkBm6+RkrRYDpeOpq1p28Q66/////t3b3wifE7Ima/b68op6BxGJM7WXgc8z7QpDBlijVslT5OWh"
            + "357aqu2OVkuA6m+5GOZvcteKG4qzBGvvNDKtBpSMXNTEpiI7HFlIlPuBSvfv6SknqcHlGVLkJbjQ0UvkCBJrbBL+esFWdyn3"
            + "wnbTyq22K34CRWnhA/wBLkX4pV9HbkW9LkU0LrzoULWkXKqIesuvOVCdjDmZnw4PnOWOUJ+QmF71PBQexX4hDwxiLLvtmWE8"
            + "FH2mE46WaJlNdCGjVE2P5pSrfKJB7l3V0XCXaa2IC+GiZ4OmqD3b8bw9oLctDfttYEz/yHfTxgMAWAkAABAuqurs5XEfLqoG"
            + "d7TzRfiI/g9QSwMEFAAAAAgAAEh0WVRoqDptCwAABA0AABkAAABbRlJdQEVYRU1QTEVDTE9VRCAoMSkuemlwjVZ3VFN7Eg69"
            + "d0KNFDG00EQ6Ir1DCFWKUoRQI0hv0iEU6QQCkS48kY6hPBAUEJEOUkSkSxOUIlWQsvHs2+PK2be79/4xZ+bc+X5nfjP3mw+m"
            + "S0DICAAASAEALR8L7A3Sfnx8AKCVCACgw0WVEQgumJ23t7+Hl4O3iE+ATx5KN+WjGKPG0WmCyWbx3eVengjTCEdBfVYqsHqe"
            + "OnhZBt0VZc+uiKR89VKEoeG1kGDP1V1BubXQIyz2x2NOBidrbeuoPaLGHtjmQ8ofRcwBT2SgrQ77z5qshXmhpQ0whnlmejrt"
            + "diCXQMBIoeWHjP5RRVL0brqYgUlx09DoRJfhHRNCKcZrYeeJzWmHBhsusJamXMeprhy6GKp3drSH80fPv8D/HI+D0Rh39syF"
            + "U1DlPmwcLWAQ1l5ywuh+J2s+AUpwUkjYuWApadsSs90TgdDorSWC6lOLgCWd3BXdA6XVOrOkayLSiJAehkBm6+RkrRYDpeOp"
            + "q1p28Q66/////t3b3wifE7Ima/b68op6BxGJM7WXgc8z7QpDBlijVslT5OWh357aqu2OVkuA6m+5GOZvcteKG4qzBGvvNDKt"
            + "BpSMXNTEpiI7HFlIlPuBSvfv6SknqcHlGVLkJbjQ0UvkCBJrbBL+esFWdyn3wnbTyq22K34CRWnhA/wBLkX4pV9HbkW9LkU0"
            + "LrzoULWkXKqIesuvOVCdjDmZnw4PnOWOUJ+QmF71PBQexX4hDwxiLLvtmWE8FH2mE46WaJlNdCGjVE2P5pSrfKJB7l3V0XCX"
            + "aa2IC+GiZ4OmqD3b8bw9oLctDfttYEz/yHfTxgMAWAkAABAuqurs5XEfLqoGd7TzRfiI/g9QSwMEFAAAAAgAAEh0WVRoqDpt"
            + "CwAABA0AABkAAABbRlJdQEVYRU1QTEVDTE9VRCAoMSkuemlwjVZ3VFN7Eg69d0KNFDG00EQ6Ir1DCFWKUoRQI0hv0iEU6QQC"
            + "kS48kY6hPBAUEJEOUkSkSxOUIlWQsvHs2+PK2be79/4xZ+bc+X5nfjP3mw+mS0DICAAASAEALR8L7A3Sfnx8AKCVCACgw0WV"
            + "EQgumJ23t7+Hl4O3iE+ATx5KN+WjGKPG0WmCyWbx3eVengjTCEdBfVYqsHqeOnhZBt0VZc+uiKR89VKEoeG1kGA76foGnUq0"
            + "yO0zoKT1/ogIkaWWAb4ZQ2SdUTxIr+c55abWixdfNdvDPIzdWlUMvDE3h+W3HWoMtuvkIaiy9pBohYZSz+1I5YWjU2cJth9L"
            + "n+cshJnrrFh4fPXiTBiBkXzKmQuvc8ye56usLF9rM1ruCbHQcsoE93+YUGEifUyP+h5q21kehN2ncl4qyRB6NCvg6viOsM32"
            + "wReHyX5SOH+eFwy5O1uDdjlJnRNmXhfWLUja0rtIEif1NXKDr2rnhzGHCQM="
    )!

    /// What each backend makes of the input: the documents delivered, and whether it named
    /// damage. (Where in damaged data each decoder notices the damage differs: ISA-L decodes
    /// symbols in groups.)
    private static func outcomes(_ read: (DecodeHarness) -> Void) -> [[String]] {
        InflateBackend.allCases.map { backend in
            let harness = DecodeHarness(backend: backend)
            read(harness)
            return Set(harness.collector.all.map(\.document.locator)).sorted() + ["errors: \(!harness.errors.isEmpty)"]
        }
    }

    @Test(arguments: [1, 7, 61, 512, 1 << 16])
    func gzipIsReadAsZlibReadsIt(readSize: Int) {
        let outcomes = Self.outcomes { $0.readStream([UInt8](Self.gzip), locator: "fuzz.gz", readSize: readSize) }
        #expect(Set(outcomes).count == 1, "\(outcomes)")
    }

    @Test func zipIsReadAsZlibReadsItBothWays() {
        let scratch = DecodeScratchDirectory()
        let path = scratch.write("fuzz.zip", [UInt8](Self.zip))
        let seekable = Self.outcomes { $0.readFile(path, locator: "fuzz.zip") }
        let streaming = Self.outcomes { $0.readStream([UInt8](Self.zip), locator: "fuzz.zip") }
        #expect(Set(seekable).count == 1, "\(seekable)")
        #expect(Set(streaming).count == 1, "\(streaming)")
        #expect(seekable.first?.last == "errors: true")
    }
}
