import Testing

@testable import CredWatch

@Suite struct ScanConfigurationTests {
    @Test func threadRangeIsEightPerCoreUpTo256() {
        #expect(ScanConfiguration.threadRange(cores: 1) == 1...8)
        #expect(ScanConfiguration.threadRange(cores: 2) == 1...16)
        #expect(ScanConfiguration.threadRange(cores: 32) == 1...256)
        #expect(ScanConfiguration.threadRange(cores: 1024) == 1...256)
        #expect(ScanConfiguration.threadRange(cores: 0) == 1...8)
        #expect(ScanConfiguration.threadRange(cores: .max) == 1...256)
    }

    /// A library caller asking for a billion workers gets 256, and their queues stay small.
    @Test func workersAreCappedWhateverTheCallerAsks() {
        let configuration = ScanConfiguration(inputs: [], threads: 1_000_000_000)
        #expect(configuration.threads == 256)
        #expect(configuration.queueDepth == 514)
        #expect(ScanConfiguration(inputs: [], threads: -5).threads == 1)
    }
}
