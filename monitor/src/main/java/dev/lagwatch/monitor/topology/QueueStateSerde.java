package dev.lagwatch.monitor.topology;

import dev.lagwatch.client.event.ErrorCategory;
import dev.lagwatch.monitor.health.ActivityWindow;
import dev.lagwatch.monitor.health.ConsumerRegistry;
import dev.lagwatch.monitor.health.HealthStateCodec;
import dev.lagwatch.monitor.health.OutcomeSurplus;
import dev.lagwatch.monitor.health.UnfinishedMessages;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
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

    /**
     * Version 2 adds the activity window, the consumer registry and the unfinished messages per
     * enqueue time, version 3 the written-off outcome surplus, version 4 the time of the latest event.
     * Records of earlier versions still read.
     */
    static final byte FORMAT_VERSION = 4;

    @Override
    public Serializer<QueueState> serializer() {
        return (topic, state) -> state == null ? null : write(state);
    }

    @Override
    public Deserializer<QueueState> deserializer() {
        return (topic, data) -> data == null ? null : read(data);
    }

    static byte[] write(QueueState state) {
        // Sized for the common case; Writer grows when a queue has many groups.
        Writer out = new Writer(32 + 128 * state.groups.size());
        out.writeByte(FORMAT_VERSION);
        out.writeVarlong(state.enqueued);
        out.writeVarlong(state.started);
        out.writeVarlong(state.groups.size());
        for (Map.Entry<String, GroupState> entry : state.groups.entrySet()) {
            out.writeString(entry.getKey());
            writeGroup(entry.getValue(), out);
        }
        HealthStateCodec.writeWindow(state.window, out::writeVarlong);
        HealthStateCodec.writeConsumers(state.consumers, out::writeVarlong, out::writeString);
        HealthStateCodec.writeUnfinished(state.unfinished, out::writeVarlong);
        out.writeVarlong(state.surplus.writtenOff());
        // -1 (no surplus run) is stored as 0, so that the value stays non-negative.
        out.writeVarlong(state.surplus.positiveSinceMillis() + 1);
        out.writeVarlong(state.surplus.smallestSurplus());
        out.writeVarlong(state.lastEventMillis);
        return out.toByteArray();
    }

    private static void writeGroup(GroupState group, Writer out) {
        out.writeVarlong(group.completed);
        out.writeVarlong(group.failedByCategory.length);
        for (long failed : group.failedByCategory) {
            out.writeVarlong(failed);
        }
        out.writeVarlong(group.retries);
        writeHistogram(group.processing, out);
        writeHistogram(group.waiting, out);
        writeHistogram(group.endToEnd, out);
    }

    private static void writeHistogram(DurationHistogram histogram, Writer out) {
        long[] counts = histogram.countsView();
        out.writeVarlong(counts.length);
        for (long count : counts) {
            out.writeVarlong(count);
        }
        out.writeVarlong(histogram.sumMillis());
    }

    static QueueState read(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte version = in.readByte();
            if (version < 1 || version > FORMAT_VERSION) {
                throw new SerializationException("Unknown queue state format version " + version
                        + "; this monitor reads version " + FORMAT_VERSION);
            }
            long enqueued = readVarlong(in);
            long started = readVarlong(in);
            int groupCount = readCount(in);
            Map<String, GroupState> groups = new TreeMap<>();
            for (int i = 0; i < groupCount; i++) {
                groups.put(readString(in), readGroup(in));
            }
            if (version == 1) {
                return new QueueState(enqueued, started, QueueState.UNKNOWN, groups,
                        new ActivityWindow(QueueState.DEFAULT_SLOT_MILLIS), new ConsumerRegistry(),
                        new UnfinishedMessages(), new OutcomeSurplus());
            }
            ActivityWindow window = HealthStateCodec.readWindow(() -> readVarlong(in));
            ConsumerRegistry consumers = HealthStateCodec.readConsumers(() -> readVarlong(in), () -> readString(in));
            UnfinishedMessages unfinished = HealthStateCodec.readUnfinished(() -> readVarlong(in));
            OutcomeSurplus surplus = version == 2 ? new OutcomeSurplus()
                    : new OutcomeSurplus(readVarlong(in), readVarlong(in) - 1, readVarlong(in));
            long lastEventMillis = version < 4 ? QueueState.UNKNOWN : readVarlong(in);
            return new QueueState(enqueued, started, lastEventMillis, groups, window, consumers, unfinished, surplus);
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

    static String readString(DataInputStream in) throws IOException {
        int length = in.readUnsignedShort();
        byte[] utf8 = new byte[length];
        in.readFully(utf8);
        return new String(utf8, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static int readCount(DataInputStream in) throws IOException {
        long count = readVarlong(in);
        if (count > 10_000_000) {
            throw new IOException("implausible element count " + count);
        }
        return (int) count;
    }

    /**
     * Appends to a growable byte array without the per-byte locking of
     * {@link java.io.ByteArrayOutputStream}: the state is written once per event.
     */
    private static final class Writer {
        private byte[] buffer;
        private int size;

        Writer(int initialCapacity) {
            buffer = new byte[initialCapacity];
        }

        void writeByte(int value) {
            ensure(1);
            buffer[size++] = (byte) value;
        }

        /** Writes a non-negative value in 7-bit groups, low group first (unsigned LEB128). */
        void writeVarlong(long value) {
            if (value < 0) {
                throw new SerializationException("negative count " + value + " cannot be stored");
            }
            ensure(10);
            long remaining = value;
            while ((remaining & ~0x7FL) != 0) {
                buffer[size++] = (byte) ((remaining & 0x7F) | 0x80);
                remaining >>>= 7;
            }
            buffer[size++] = (byte) remaining;
        }

        /** Writes a UTF-8 string preceded by its length in bytes as an unsigned 16-bit number. */
        void writeString(String value) {
            byte[] utf8 = value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            if (utf8.length > 65_535) {
                throw new SerializationException("name of " + utf8.length + " bytes is too long to store");
            }
            ensure(2 + utf8.length);
            buffer[size++] = (byte) (utf8.length >>> 8);
            buffer[size++] = (byte) utf8.length;
            System.arraycopy(utf8, 0, buffer, size, utf8.length);
            size += utf8.length;
        }

        private void ensure(int more) {
            if (size + more > buffer.length) {
                buffer = java.util.Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
            }
        }

        byte[] toByteArray() {
            return java.util.Arrays.copyOf(buffer, size);
        }
    }
}
