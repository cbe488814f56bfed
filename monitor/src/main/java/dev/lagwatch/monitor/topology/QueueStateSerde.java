package dev.lagwatch.monitor.topology;

import dev.lagwatch.client.event.ErrorCategory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Binary form of {@link QueueState} in the aggregate store and its changelog. Counts are written
 * as variable-length integers, so a quiet queue takes a few dozen bytes. The first byte is a
 * format version; a reader rejects versions it does not know rather than misreading them.
 */
public final class QueueStateSerde implements Serde<QueueState> {

    static final byte FORMAT_VERSION = 1;

    @Override
    public Serializer<QueueState> serializer() {
        return (topic, state) -> state == null ? null : write(state);
    }

    @Override
    public Deserializer<QueueState> deserializer() {
        return (topic, data) -> data == null ? null : read(data);
    }

    static byte[] write(QueueState state) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 96 * state.groups.size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT_VERSION);
            writeVarlong(state.enqueued, out);
            writeVarlong(state.started, out);
            writeVarlong(state.groups.size(), out);
            for (Map.Entry<String, GroupState> entry : state.groups.entrySet()) {
                out.writeUTF(entry.getKey());
                writeGroup(entry.getValue(), out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to serialise queue state", e);
        }
        return bytes.toByteArray();
    }

    private static void writeGroup(GroupState group, DataOutputStream out) throws IOException {
        writeVarlong(group.completed, out);
        writeVarlong(group.failedByCategory.length, out);
        for (long failed : group.failedByCategory) {
            writeVarlong(failed, out);
        }
        writeVarlong(group.retries, out);
        writeHistogram(group.processing, out);
        writeHistogram(group.waiting, out);
        writeHistogram(group.endToEnd, out);
    }

    private static void writeHistogram(DurationHistogram histogram, DataOutputStream out) throws IOException {
        long[] counts = histogram.countsView();
        writeVarlong(counts.length, out);
        for (long count : counts) {
            writeVarlong(count, out);
        }
        writeVarlong(histogram.sumMillis(), out);
    }

    static QueueState read(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte version = in.readByte();
            if (version != FORMAT_VERSION) {
                throw new SerializationException("Unknown queue state format version " + version
                        + "; this monitor reads version " + FORMAT_VERSION);
            }
            long enqueued = readVarlong(in);
            long started = readVarlong(in);
            int groupCount = readCount(in);
            Map<String, GroupState> groups = new TreeMap<>();
            for (int i = 0; i < groupCount; i++) {
                groups.put(in.readUTF(), readGroup(in));
            }
            return new QueueState(enqueued, started, groups);
        } catch (IOException e) {
            throw new SerializationException("Corrupt queue state record of " + data.length + " bytes", e);
        }
    }

    private static GroupState readGroup(DataInputStream in) throws IOException {
        long completed = readVarlong(in);
        int categories = readCount(in);
        if (categories != ErrorCategory.values().length) {
            throw new IOException("expected " + ErrorCategory.values().length + " error categories, got " + categories);
        }
        long[] failed = new long[categories];
        for (int i = 0; i < categories; i++) {
            failed[i] = readVarlong(in);
        }
        long retries = readVarlong(in);
        return new GroupState(completed, failed, retries, readHistogram(in), readHistogram(in), readHistogram(in));
    }

    private static DurationHistogram readHistogram(DataInputStream in) throws IOException {
        int buckets = readCount(in);
        if (buckets != DurationHistogram.BUCKETS) {
            throw new IOException("expected " + DurationHistogram.BUCKETS + " histogram buckets, got " + buckets);
        }
        long[] counts = new long[buckets];
        for (int i = 0; i < buckets; i++) {
            counts[i] = readVarlong(in);
        }
        return new DurationHistogram(counts, readVarlong(in));
    }

    /** Writes a non-negative value in 7-bit groups, low group first (unsigned LEB128). */
    static void writeVarlong(long value, DataOutputStream out) throws IOException {
        if (value < 0) {
            throw new IOException("negative count " + value + " cannot be stored");
        }
        long remaining = value;
        while ((remaining & ~0x7FL) != 0) {
            out.writeByte((int) ((remaining & 0x7F) | 0x80));
            remaining >>>= 7;
        }
        out.writeByte((int) remaining);
    }

    static long readVarlong(DataInputStream in) throws IOException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IOException("variable-length integer longer than 10 bytes");
    }

    private static int readCount(DataInputStream in) throws IOException {
        long count = readVarlong(in);
        if (count > 10_000_000) {
            throw new IOException("implausible element count " + count);
        }
        return (int) count;
    }
}
