import CLibArchive

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension DecodeSession {
    /// Reads a 7z or RAR archive, or a bzip2, xz, lzma or zstd stream, through libarchive: each
    /// member goes through `process` by its name, like a zip member; a compressed stream's
    /// content is read like any stream (a tarball inside is read by the tar reader).
    ///
    /// A 7z archive is read at random: from its window in the file when it has one, else from
    /// a copy of the stream in an unlinked owner-only temporary file (its compressed bytes only:
    /// nothing is extracted to disk).
    func readLibArchive(
        _ reader: ByteReader,
        _ format: LibArchiveFormat,
        _ name: StreamName,
        depth: Int,
        seekable: FileWindow?
    ) throws(DecodeFault) {
        let previousLocale = NameLocale.enter()
        defer { NameLocale.leave(previousLocale) }
        var window = seekable
        if format.needsSeeking && window == nil {
            window = try Spool.copy(
                reader,
                locator: name.locator,
                limits: limits,
                directory: options.temporaryDirectory
            )
        }
        let input = window.map { LibArchiveInput(window: $0, pool: pool) } ?? LibArchiveInput(stream: reader)
        let archive = try LibArchive(
            format: format,
            input: input,
            passwords: options.archivePasswords,
            locator: name.locator
        )
        if format.isCompression {
            try readCompressedEntry(archive, name, depth: depth)
            return
        }
        var encrypted: [String] = []
        var fileIndex = -1
        var damagedHeaders = 0
        while !expansion.isExhausted {
            let entry: OpaquePointer
            switch archive.nextEntry(locator: name.locator) {
            case .success(nil):
                return try readEncrypted(encrypted, of: archive, window: window, name, depth: depth)
            case .success(let next?):
                entry = next
            case .failure(let failure):
                if isEncryptedHeader(archive) {
                    return try readEncrypted([], of: archive, window: window, name, depth: depth)
                }
                if failure.isFatal {
                    throw DecodeFault(
                        locator: failure.fault.locator,
                        reason: failure.fault.reason
                            + (failure.fault.locator == name.locator
                                ? ": the rest of the archive is not read" : "")
                    )
                }
                diagnostics.error(failure.fault.locator, failure.fault.reason)
                // A damaged header libarchive could pass over; a run of them is an archive lost.
                damagedHeaders += 1
                if damagedHeaders >= 16 {
                    throw DecodeFault(
                        locator: name.locator,
                        reason:
                            "\(format.name): \(damagedHeaders) damaged entry headers: the rest of the archive is not read"
                    )
                }
                continue
            }
            damagedHeaders = 0
            fileIndex += 1
            guard LibArchive.holdsData(entry) else { continue }
            var memberName = LibArchive.name(of: entry)
            if memberName.isEmpty {
                // Read all the same, under its position: content is never skipped for its name.
                memberName = "#\(fileIndex + 1)"
                diagnostics.warning(
                    name.member(memberName).locator,
                    "member name cannot be read: named by its position in the archive"
                )
            }
            if archive_entry_is_data_encrypted(entry) != 0 || isEncryptedRAR5(archive, file: fileIndex) {
                encrypted.append(memberName)
                continue
            }
            let member = name.member(memberName)
            let data = LibArchiveEntryStream(archive, locator: member.locator, limits: limits, expansion: expansion)
            // Without the size, each small member's text would reserve a whole chunk (4 MiB)
            // until it is parsed: 100,000 members of a 7z took 470 MB.
            let size = archive_entry_size_is_set(entry) != 0 ? archive_entry_size(entry) : nil
            let content = readMember(data, member, depth: depth, sizeHint: size, isStored: false)
            if content.failure == nil {
                // What the member's reader left (an ignored document) is read through the limits
                // too: libarchive would decompress it anyway to reach the next member.
                do {
                    try content.drain()
                } catch {
                    diagnostics.error(error.locator, error.reason)
                }
            }
            // The stream under the archive failed: the member's reader has said so.
            if input.fault != nil { return }
            if data.isArchiveLost {
                throw DecodeFault(
                    locator: name.locator,
                    reason: "\(format.name) unreadable after \(memberName): the rest of the archive is not read"
                )
            }
        }
    }

    /// The content of a bzip2, xz, lzma or zstd stream: read like any stream, named like the
    /// compressed file (classified without its suffix), then to its end so that its checks run.
    private func readCompressedEntry(_ archive: LibArchive, _ name: StreamName, depth: Int) throws(DecodeFault) {
        switch archive.nextEntry(locator: name.locator) {
        case .success(nil): return
        case .success: break
        case .failure(let failure): throw failure.fault
        }
        let data = LibArchiveEntryStream(archive, locator: name.locator, limits: limits, expansion: expansion)
        let content = ByteReader(data, pool: pool)
        let isReadOn = process(content, name.decompressed, depth: depth + 1)
        guard isReadOn, content.failure == nil, !expansion.isExhausted else { return }
        try content.drain()
    }

    /// A RAR 5 member whose header carries an encryption record (libarchive does not say).
    private func isEncryptedRAR5(_ archive: LibArchive, file index: Int) -> Bool {
        let files = archive.input.rar5.encryptedFiles
        return archive.format == .rar && index < files.count && files[index]
    }

    /// libarchive cannot read the archive's directory because it is encrypted (7z `-mhe`).
    private func isEncryptedHeader(_ archive: LibArchive) -> Bool {
        archive.format == .sevenZip && archive_read_has_encrypted_entries(archive.handle) > 0
    }

    /// The members libarchive cannot decrypt (7z AES, encrypted RAR; `names` empty when the
    /// archive's directory itself is encrypted): read through the 7-Zip tool with each password
    /// when it is installed, else named as not read.
    private func readEncrypted(
        _ names: [String],
        of archive: LibArchive,
        window: FileWindow?,
        _ name: StreamName,
        depth: Int
    ) throws(DecodeFault) {
        let isHeaderEncrypted = names.isEmpty && isEncryptedHeader(archive)
        guard !names.isEmpty || isHeaderEncrypted else { return }
        let passwords = options.archivePasswords
        var why: String?
        if passwords.isEmpty {
            why = "no archive password given (--archive-password)"
        } else if options.sevenZipTool == nil {
            why = "libarchive cannot decrypt \(archive.format.name)s and no 7-Zip tool (7zz, 7z) is installed"
        } else if window == nil {
            why =
                "libarchive cannot decrypt \(archive.format.name)s, and one read as a stream cannot be handed to 7-Zip"
        }
        guard let tool = options.sevenZipTool, let window, why == nil else {
            let why = why ?? ""
            if isHeaderEncrypted {
                throw DecodeFault(
                    locator: name.locator,
                    reason: "encrypted \(archive.format.name) (its list of members too): not read: \(why)"
                )
            }
            for member in names {
                diagnostics.error(name.member(member).locator, "encrypted member: not read: \(why)")
            }
            return
        }
        let path = try SevenZipTool.ArchiveFile(window, locator: name.locator, session: self)
        let entries: [SevenZipTool.ListedEntry]
        do {
            entries = try tool.list(path, passwords: passwords, locator: name.locator)
        } catch {
            guard !isHeaderEncrypted else { throw error }
            // The tool cannot open the archive at all (damage, a rar it does not read).
            tool.nameUnopened(names, format: archive.format, passwords: passwords, name, session: self)
            return
        }
        tool.readMembers(
            entries,
            of: path,
            format: archive.format,
            passwords: passwords,
            name,
            depth: depth,
            session: self
        )
    }
}
