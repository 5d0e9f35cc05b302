import Testing

@testable import Runner

/// The provenance footer names the CPU, since trained numbers depend on it.
@Suite struct MachineDescriptionTests {
    @Test func theModelNameOfAnX86CPUInfoIsTakenWithSpacesCollapsed() {
        let text = """
            processor\t: 0
            vendor_id\t: AuthenticAMD
            cpu family\t: 25
            model\t\t: 1
            model name\t: AMD EPYC  7B13 64-Core Processor
            flags\t\t: fpu vme avx2

            processor\t: 1
            model name\t: AMD EPYC  7B13 64-Core Processor
            """
        #expect(Pipeline.cpuModel(fromCPUInfo: text) == "AMD EPYC 7B13 64-Core Processor")
    }

    @Test func anARMBoardsModelLineIsTakenAndNoNameGivesNil() {
        let arm = """
            processor\t: 0
            BogoMIPS\t: 108.00
            CPU implementer\t: 0x41

            Hardware\t: BCM2835
            Model\t\t: Raspberry Pi 4 Model B Rev 1.4
            """
        #expect(Pipeline.cpuModel(fromCPUInfo: arm) == "Raspberry Pi 4 Model B Rev 1.4")
        #expect(Pipeline.cpuModel(fromCPUInfo: "processor\t: 0\nmodel name\t:   \n") == nil)
        #expect(Pipeline.cpuModel(fromCPUInfo: "") == nil)
    }

    @Test func thisMachinesDescriptionStillEndsInCoresAndMemory() {
        let description = Pipeline.machineDescription()
        #expect(description.contains(" cores, ") && description.hasSuffix(" GiB"), "\(description)")
    }
}
