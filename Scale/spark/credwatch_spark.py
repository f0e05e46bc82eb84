#!/usr/bin/env python3
"""credwatch on Apache Spark: the scan of many inputs, sharded over executors, merged into the
report one `credwatch scan` of the same arguments gives (README, "Running on a cluster").

    spark-submit [spark options] Scale/spark/credwatch_spark.py -- INPUT... --accounts A --org O \
        [scan and merge options] [--range-size BYTES] --output R

The driver lists the inputs (local paths, file://, and any Hadoop file system URI through the
JVM's FileSystem), plans one task per file (plain files larger than --range-size are split into
byte ranges; compressed and archived files are one task each), ships the credwatch binary
($CREDWATCH, else the one on PATH), the account export, the profile, the packs, the hash
exports and the key with the job, and on each executor streams the input into
`credwatch scan - --stdin-name NAME --emit partial` (a local or shared file is handed over as
an open file, so a range is read in place; a Hadoop URI is piped from `hadoop fs -cat`). The
partials come back to the driver, which runs `credwatch merge` with the run's own options and
exits with its status: 0, 1, 2 or 3. A task that fails is retried by Spark; one that still
fails makes the run incomplete (3, or 2 when nothing could be merged), named on stderr.
"""

import os
import shutil
import stat
import subprocess
import sys
import tempfile

# Options of `credwatch scan` that take a value, and those that do not; the driver's own.
VALUE_OPTIONS = {
    "--accounts", "--org", "--patterns", "--fingerprint-key-file", "--hashes", "--state", "--retention",
    "--format", "--output", "--reset-list", "--summary", "--threads", "--max-line-length",
    "--max-member-size", "--max-ratio", "--max-depth",
}
FLAG_OPTIONS = {
    "--no-default-patterns", "--no-reuse", "--reuse-bare-logins", "--allow-insecure-hashes", "--new-only",
    "--skip-seen-inputs", "--quiet",
}
# What each executor's scan is given (the rest belongs to the merge on the driver).
SCAN_VALUES = {"--max-line-length", "--max-member-size", "--max-ratio", "--max-depth"}
SCAN_FLAGS = {"--no-reuse", "--reuse-bare-logins", "--allow-insecure-hashes"}
# Files shipped to the executors, by option.
SHIPPED = {"--accounts", "--org", "--fingerprint-key-file", "--hashes", "--patterns"}
DEFAULT_RANGE_SIZE = 256 << 20
# Magic bytes of what credwatch reads as a container: never split into ranges.
CONTAINER_MAGIC = (b"\x1f\x8b", b"PK\x03\x04", b"PK\x05\x06", b"\x78\x01", b"\x78\x5e", b"\x78\x9c", b"\x78\xda")


def fail(message, status=2):
    sys.stderr.write("credwatch_spark: %s\n" % message)
    sys.exit(status)


def parse(argv):
    """Splits the command line into inputs, credwatch options (in order) and the driver's own."""
    if argv and argv[0] == "--":
        argv = argv[1:]
    inputs, options, range_size = [], [], DEFAULT_RANGE_SIZE
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg == "--range-size":
            if index + 1 >= len(argv):
                fail("--range-size needs a value")
            try:
                range_size = int(argv[index + 1])
            except ValueError:
                fail("--range-size must be a number of bytes; got %s" % argv[index + 1])
            if range_size < 1 << 10:
                fail("--range-size must be at least 1024 bytes")
            index += 2
        elif arg in VALUE_OPTIONS:
            if index + 1 >= len(argv):
                fail("%s needs a value" % arg)
            options.append((arg, argv[index + 1]))
            index += 2
        elif arg in FLAG_OPTIONS:
            options.append((arg, None))
            index += 1
        elif arg.startswith("--") and "=" in arg and arg.split("=", 1)[0] in VALUE_OPTIONS:
            name, value = arg.split("=", 1)
            options.append((name, value))
            index += 1
        elif arg.startswith("-") and arg != "-":
            fail("%s: not an option the driver knows (scan's --emit, --range, --shard, --stdin-name "
                 "and --reveal-passwords are not for a cluster run)" % arg)
        elif arg == "-":
            fail("standard input cannot be sharded: name the files")
        else:
            inputs.append(arg)
            index += 1
    if not inputs:
        fail("name the inputs")
    if not any(name == "--accounts" for name, _ in options):
        fail("--accounts is required")
    if not any(name == "--fingerprint-key-file" for name, _ in options) and not os.environ.get(
            "CREDWATCH_FINGERPRINT_KEY"):
        fail("a cluster run needs a stable key: --fingerprint-key-file (or CREDWATCH_FINGERPRINT_KEY)")
    return inputs, options, range_size


def credwatch_binary():
    binary = os.environ.get("CREDWATCH") or shutil.which("credwatch")
    if not binary or not os.access(binary, os.X_OK):
        fail("the credwatch binary was not found: put it on PATH or name it with CREDWATCH")
    return os.path.abspath(binary)


def shipped_patterns(binary):
    """The shipped packs' folder, as credwatch finds it (CREDWATCH_PATTERNS, beside the binary,
    or this repository's Patterns/)."""
    candidates = [os.environ.get("CREDWATCH_PATTERNS"),
                  os.path.join(os.path.dirname(binary), "..", "share", "credwatch", "patterns"),
                  os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Patterns")]
    for candidate in candidates:
        if candidate and os.path.isdir(candidate):
            return os.path.normpath(candidate)
    return None


def is_local(uri):
    return "://" not in uri or uri.startswith("file://")


def local_path(uri):
    return uri[len("file://"):] if uri.startswith("file://") else uri


def joined(folder, name):
    """As credwatch joins a folder given on the command line and a path found below it."""
    return folder + name if folder.endswith("/") else folder + "/" + name


def list_local(argument):
    """(locator, path, found_in, size) of each regular file the argument names, as a scan walks
    it: the folder's files in name order, each file once whatever the links that reach it;
    symbolic links to folders are not followed."""
    path = local_path(argument)
    if not os.path.isdir(path):
        size = os.stat(path).st_size if os.path.exists(path) else 0
        return [(argument, path, None, size)]
    found, seen = [], set()
    for root, folders, files in os.walk(path):
        folders.sort(key=os.fsencode)
        folders[:] = [f for f in folders if not os.path.islink(os.path.join(root, f))]
        for name in sorted(files, key=os.fsencode):
            full = os.path.join(root, name)
            try:
                info = os.stat(full)
            except OSError:
                continue
            if not stat.S_ISREG(info.st_mode) or (info.st_dev, info.st_ino) in seen:
                continue
            seen.add((info.st_dev, info.st_ino))
            relative = os.path.relpath(full, path)
            found.append((joined(argument, relative), full, argument, info.st_size))
    return found


def list_hadoop(spark, argument):
    """(locator, uri, found_in, size) of each file below a Hadoop file system URI."""
    jvm = spark.sparkContext._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    root = jvm.org.apache.hadoop.fs.Path(argument)
    filesystem = root.getFileSystem(conf)
    status = filesystem.getFileStatus(root)
    if not status.isDirectory():
        return [(argument, argument, None, status.getLen())]
    found = []
    files = filesystem.listFiles(root, True)
    prefix = str(filesystem.makeQualified(root))
    while files.hasNext():
        entry = files.next()
        full = str(entry.getPath())
        relative = full[len(prefix):].lstrip("/")
        found.append((joined(argument, relative), full, argument, entry.getLen()))
    return sorted(found)


def is_container(path):
    try:
        with open(path, "rb") as handle:
            head = handle.read(4)
    except OSError:
        return True
    return any(head.startswith(magic) for magic in CONTAINER_MAGIC)


def plan(files, range_size):
    """One task per file, large plain local files split into ranges; largest first, so that the
    long tasks start early."""
    sized = []
    for locator, path, found_in, size in files:
        if is_local(path) and size > range_size and not is_container(path):
            for start in range(0, size, range_size):
                end = min(size, start + range_size)
                sized.append((end - start, (locator, path, found_in, start, end)))
        else:
            sized.append((size, (locator, path, found_in, None, None)))
    sized.sort(key=lambda entry: -entry[0])
    return [task for _, task in sized]


def run_task(task, binary_name, scan_options, shipped_names, max_attempts):
    """Runs one task on an executor; returns (task, status, partial bytes, stderr)."""
    from pyspark import SparkFiles, TaskContext

    locator, path, found_in, start, end = task
    binary = SparkFiles.get(binary_name)
    os.chmod(binary, 0o700)
    arguments = [binary, "scan", "-", "--stdin-name", locator, "--emit", "partial", "--quiet"]
    if found_in is not None:
        arguments += ["--stdin-found-in", found_in]
    if start is not None:
        arguments += ["--range", "%d-%d" % (start, end)]
    for name, value in scan_options:
        if name in shipped_names:
            value = SparkFiles.get(shipped_names[name][value])
            if os.path.isfile(value):
                # Copies arrive readable by others: credwatch refuses hash exports that are.
                os.chmod(value, 0o600)
        arguments += [name] if value is None else [name, value]
    cpus = TaskContext.get().cpus() if TaskContext.get() else 1
    arguments += ["--threads", str(max(1, cpus))]
    with tempfile.TemporaryDirectory(prefix="credwatch-") as scratch:
        os.chmod(scratch, 0o700)
        output = os.path.join(scratch, "partial")
        arguments += ["--output", output]
        if is_local(path):
            # An open file: credwatch reads it in place (a range at its offset), never through Python.
            with open(local_path(path), "rb") as stdin:
                done = subprocess.run(arguments, stdin=stdin, stderr=subprocess.PIPE)
        else:
            cat = subprocess.Popen(["hadoop", "fs", "-cat", path], stdout=subprocess.PIPE)
            done = subprocess.run(arguments, stdin=cat.stdout, stderr=subprocess.PIPE)
            cat.stdout.close()
            if cat.wait() != 0 and done.returncode in (0, 3):
                done = subprocess.CompletedProcess(arguments, 2, stderr=b"hadoop fs -cat failed\n")
        stderr = done.stderr.decode("utf-8", "replace")
        if stderr:
            sys.stderr.write(stderr)
        if done.returncode in (0, 3) and os.path.exists(output):
            with open(output, "rb") as handle:
                return (task, done.returncode, handle.read(), stderr)
    attempt = TaskContext.get().attemptNumber() if TaskContext.get() else 0
    if attempt + 1 < max_attempts:
        raise RuntimeError("credwatch scan of %s failed (status %d): %s" % (locator, done.returncode, stderr))
    return (task, done.returncode, None, stderr)


def main():
    inputs, options, range_size = parse(sys.argv[1:])
    binary = credwatch_binary()
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.appName("credwatch").getOrCreate()
    context = spark.sparkContext

    # Ship the binary and the configuration; executors name them by their base name.
    context.addFile(binary)
    shipped_names, scan_options, used_names = {}, [], {os.path.basename(binary)}

    def ship(name, path):
        base = os.path.basename(os.path.normpath(path))
        if base in used_names:
            fail("%s: two shipped files share the name %s: rename one" % (name, base))
        used_names.add(base)
        context.addFile(os.path.abspath(path), recursive=os.path.isdir(path))
        shipped_names.setdefault(name, {})[path] = base

    no_default = any(name == "--no-default-patterns" for name, _ in options)
    packs = [] if no_default else [shipped_patterns(binary)]
    if packs == [None]:
        packs = []
    for name, value in options:
        if name in SHIPPED:
            if name != "--patterns":
                ship(name, value)
                scan_options.append((name, value))
        elif name in SCAN_VALUES or name in SCAN_FLAGS:
            scan_options.append((name, value))
    # The packs travel as folders or files; the executor loads exactly the merge's packs, in order.
    for pack in packs + [value for name, value in options if name == "--patterns"]:
        ship("--patterns", pack)
        scan_options.append(("--patterns", pack))
    scan_options.append(("--no-default-patterns", None))

    files = []
    for argument in inputs:
        files += list_local(argument) if is_local(argument) else list_hadoop(spark, argument)
    tasks = plan(files, range_size)
    if not tasks:
        fail("no input file found", 3)
    max_attempts = int(context.getConf().get("spark.task.maxFailures", "4"))
    if context.master.startswith("local"):
        # local[N] runs each task once; local[N,F] allows F attempts.
        parts = context.master[len("local["):-1].split(",") if context.master.startswith("local[") else []
        max_attempts = int(parts[1]) if len(parts) == 2 else 1
    binary_name = os.path.basename(binary)
    results = context.parallelize(tasks, len(tasks)).map(
        lambda task: run_task(task, binary_name, scan_options, shipped_names, max_attempts)).collect()

    failed = [(task, status, stderr) for task, status, partial, stderr in results if partial is None]
    for task, status, _ in failed:
        what = task[0] if task[3] is None else "%s bytes %d-%d" % (task[0], task[3], task[4])
        sys.stderr.write("credwatch_spark: error: %s: the task failed (status %d): not read\n" % (what, status))
    partials = [partial for _, _, partial, _ in results if partial is not None]
    if not partials:
        spark.stop()
        fail("no task produced a partial result: nothing to merge", 2)

    with tempfile.TemporaryDirectory(prefix="credwatch-partials-") as folder:
        os.chmod(folder, 0o700)
        names = []
        for index, partial in enumerate(partials):
            name = os.path.join(folder, "part-%06d" % index)
            with open(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
                handle.write(partial)
            names.append(name)
        merge = [binary, "merge"] + names
        for name, value in options:
            merge += [name] if value is None else [name, value]
        status = subprocess.run(merge).returncode
    spark.stop()
    if failed and status == 0:
        status = 3
    sys.exit(status)


if __name__ == "__main__":
    main()
