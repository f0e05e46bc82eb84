#if CREDWATCH_ISAL
    import CISAL

    /// Intel ISA-L's inflate, in its `_NO_HDR_VER` modes: the gzip or zlib header is read here,
    /// then `isal_inflate` decodes the data and checks the trailer.
    final class ISALInflateEngine: InflateEngine {
        /// About 90 KB (decoding tables, history window): allocated once, and never moved.
        private let state: UnsafeMutablePointer<inflate_state>
        private let wrapper: DeflateWrapper
        /// `isal_inflate` could read the header itself, but it forgets what it read of a header
        /// the input cuts short (intel/isa-l#224): these keep it from one step to the next. With
        /// no buffers given, the name, comment and extra field of a gzip header are skipped.
        private var gzipHeader = isal_gzip_header()
        private var zlibHeader = isal_zlib_header()
        private var isReadingHeader = false

        init(wrapper: DeflateWrapper) {
            self.wrapper = wrapper
            state = .allocate(capacity: 1)
            isal_inflate_init(state)
            switch wrapper {
            case .gzip: state.pointee.crc_flag = UInt32(ISAL_GZIP_NO_HDR_VER)
            case .zlib: state.pointee.crc_flag = UInt32(ISAL_ZLIB_NO_HDR_VER)
            case .raw: state.pointee.crc_flag = UInt32(ISAL_DEFLATE)
            }
            startMember()
        }

        deinit {
            state.deallocate()
        }

        /// ISA-L reads up to 8 bytes ahead into its bit buffer, and keeps a header or trailer cut
        /// by the end of the input in a small buffer of its own; it never hands them back. After a
        /// zlib or raw stream, the bit buffer holds bytes that follow the stream.
        var retainedInput: Int {
            Int(max(0, state.pointee.read_in_length)) / 8 + Int(state.pointee.tmp_in_size)
        }

        func step(input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer) -> InflateStep {
            let retained = retainedInput
            precondition(input.count >= retained, "the input the engine retains must be passed again")
            let offered = UInt32(min(input.count - retained, Int(UInt32.max)))
            let room = UInt32(min(output.count, Int(UInt32.max)))
            state.pointee.next_in = UnsafeMutablePointer(
                mutating: input.baseAddress?.advanced(by: retained).assumingMemoryBound(to: UInt8.self)
            )
            state.pointee.avail_in = offered
            state.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
            state.pointee.avail_out = room
            var status = isReadingHeader ? readHeader() : ISAL_DECOMP_OK
            if !isReadingHeader && status == ISAL_DECOMP_OK {
                status = isal_inflate(state)
            }
            // Counted from where ISA-L's input pointer ends, not from `avail_in`: at the end of
            // a stream ISA-L hands unused bits back, moving the pointer back into the bytes it
            // retained from the previous step, past what this step offered.
            let position = state.pointee.next_in.map { UnsafeRawPointer($0) - input.baseAddress! } ?? retained
            let consumed = min(max(0, position - retainedInput), input.count)
            return InflateStep(
                consumed: consumed,
                produced: Int(room - state.pointee.avail_out),
                outcome: outcome(of: status, consumedInput: UnsafeRawBufferPointer(rebasing: input[..<consumed]))
            )
        }

        func reset() {
            isal_inflate_reset(state)
            startMember()
        }

        private func startMember() {
            isal_gzip_header_init(&gzipHeader)
            zlibHeader = isal_zlib_header()
            isReadingHeader = wrapper != .raw
        }

        /// Reads as much of the header as the input holds; `ISAL_END_INPUT` asks for more.
        private func readHeader() -> Int32 {
            let status =
                wrapper == .gzip ? isal_read_gzip_header(state, &gzipHeader) : isal_read_zlib_header(state, &zlibHeader)
            guard status == ISAL_DECOMP_OK else { return status }
            isReadingHeader = false
            return zlibHeader.dict_flag != 0 ? ISAL_NEED_DICT : ISAL_DECOMP_OK
        }

        /// ISA-L's status in zlib's words where the damage is the same.
        private func outcome(of status: Int32, consumedInput: UnsafeRawBufferPointer) -> InflateOutcome {
            let isFinished = state.pointee.block_state == ISAL_BLOCK_FINISH
            switch status {
            case ISAL_DECOMP_OK, ISAL_END_INPUT, ISAL_OUT_OVERFLOW:
                return isFinished ? .streamEnd : .progress
            case ISAL_NEED_DICT:
                return .needsDictionary
            case ISAL_INCORRECT_CHECKSUM where isFinished:
                return trailerMismatch(consumedInput)
            case ISAL_INCORRECT_CHECKSUM:
                // Before the data: the gzip header's CRC-16, or the zlib header's check bits.
                return .corrupt(wrapper == .gzip ? "header crc mismatch" : "incorrect header check")
            case ISAL_INVALID_WRAPPER:
                return .corrupt("incorrect header check")
            case ISAL_UNSUPPORTED_METHOD:
                return .corrupt("unknown compression method")
            case ISAL_INVALID_BLOCK:
                // A bad block type, stored length or code table: ISA-L does not say which.
                return .corrupt("invalid block header")
            case ISAL_INVALID_SYMBOL:
                return .corrupt("invalid literal/length or distance code")
            case ISAL_INVALID_LOOKBACK:
                return .corrupt("invalid distance too far back")
            default:
                return .corrupt("ISA-L status \(status)")
            }
        }

        /// ISA-L checks a gzip trailer's CRC-32 and length together; zlib names the one that
        /// differs. The trailer is the last 8 bytes consumed: ISA-L retains nothing after it.
        private func trailerMismatch(_ consumedInput: UnsafeRawBufferPointer) -> InflateOutcome {
            guard wrapper == .gzip, consumedInput.count >= 8,
                consumedInput.littleEndian32(at: consumedInput.count - 8) == state.pointee.crc
            else { return .checksumMismatch("incorrect data check") }
            return .corrupt("incorrect length check")
        }
    }
#endif
