package dev.lagwatch.monitor.health;

import dev.lagwatch.monitor.health.ConsumerRegistry.ConsumerState;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes and reads the activity window and the consumer registry inside a queue's state record,
 * with the record's own encoding of numbers and strings. Values are non-negative, so empty slots
 * (number -1) are written as 0 and a missing first-event time as 0.
 */
public final class HealthStateCodec {

    /** Writes one non-negative number. */
    @FunctionalInterface
    public interface NumberWriter {
        void write(long value);
    }

    /** Writes one string. */
    @FunctionalInterface
    public interface TextWriter {
        void write(String value);
    }

    /** Reads one number. */
    @FunctionalInterface
    public interface NumberReader {
        long read() throws IOException;
    }

    /** Reads one string. */
    @FunctionalInterface
    public interface TextReader {
        String read() throws IOException;
    }

    private static final int MAX_ENTRIES = 1_000_000;

    private HealthStateCodec() {
    }

    public static void writeWindow(ActivityWindow window, NumberWriter out) {
        out.write(window.slotMillis());
        out.write(ActivityWindow.SLOTS);
        for (int i = 0; i < ActivityWindow.SLOTS; i++) {
            out.write(window.slotNumbers[i] + 1);
            out.write(window.enqueued[i]);
            out.write(window.started[i]);
            out.write(window.attemptsFinished[i]);
            out.write(window.messagesFinished[i]);
            out.write(window.busyMillis[i]);
            out.write(window.emptied[i]);
        }
        out.write(window.firstEventMillis == Long.MAX_VALUE ? 0 : window.firstEventMillis);
    }

    public static ActivityWindow readWindow(NumberReader in) throws IOException {
        long slotMillis = in.read();
        long slots = in.read();
        if (slots != ActivityWindow.SLOTS || slotMillis < 1) {
            throw new IOException("expected an activity window of " + ActivityWindow.SLOTS + " slots, got " + slots
                    + " slots of " + slotMillis + " ms");
        }
        long[] slotNumbers = new long[ActivityWindow.SLOTS];
        long[] enqueued = new long[ActivityWindow.SLOTS];
        long[] started = new long[ActivityWindow.SLOTS];
        long[] attemptsFinished = new long[ActivityWindow.SLOTS];
        long[] messagesFinished = new long[ActivityWindow.SLOTS];
        long[] busyMillis = new long[ActivityWindow.SLOTS];
        long[] emptied = new long[ActivityWindow.SLOTS];
        for (int i = 0; i < ActivityWindow.SLOTS; i++) {
            slotNumbers[i] = in.read() - 1;
            enqueued[i] = in.read();
            started[i] = in.read();
            attemptsFinished[i] = in.read();
            messagesFinished[i] = in.read();
            busyMillis[i] = in.read();
            emptied[i] = in.read();
        }
        long firstEvent = in.read();
        return new ActivityWindow(slotMillis, slotNumbers, enqueued, started, attemptsFinished, messagesFinished,
                busyMillis, emptied, firstEvent == 0 ? Long.MAX_VALUE : firstEvent);
    }

    public static void writeConsumers(ConsumerRegistry registry, NumberWriter numbers, TextWriter texts) {
        numbers.write(registry.byGroup.size());
        for (Map.Entry<String, Map<String, ConsumerState>> group : registry.byGroup.entrySet()) {
            texts.write(group.getKey());
            numbers.write(group.getValue().size());
            for (Map.Entry<String, ConsumerState> consumer : group.getValue().entrySet()) {
                texts.write(consumer.getKey());
                numbers.write(consumer.getValue().lastSeenMillis());
                numbers.write(consumer.getValue().capacity());
                numbers.write(consumer.getValue().closed() ? 1 : 0);
            }
        }
    }

    public static ConsumerRegistry readConsumers(NumberReader numbers, TextReader texts) throws IOException {
        Map<String, Map<String, ConsumerState>> byGroup = new TreeMap<>();
        long groups = count(numbers.read());
        for (long g = 0; g < groups; g++) {
            String group = texts.read();
            Map<String, ConsumerState> consumers = new TreeMap<>();
            long size = count(numbers.read());
            for (long c = 0; c < size; c++) {
                String id = texts.read();
                long lastSeen = numbers.read();
                long capacity = numbers.read();
                boolean closed = numbers.read() == 1;
                consumers.put(id, new ConsumerState(lastSeen, (int) Math.min(capacity, Integer.MAX_VALUE), closed));
            }
            byGroup.put(group, consumers);
        }
        return new ConsumerRegistry(byGroup);
    }

    public static void writeUnfinished(UnfinishedMessages unfinished, NumberWriter out) {
        out.write(unfinished.widthSeconds);
        out.write(unfinished.byBucket.size());
        for (Map.Entry<Long, Long> bucket : unfinished.byBucket.entrySet()) {
            out.write(bucket.getKey());
            out.write(zigZag(bucket.getValue()));
        }
    }

    public static UnfinishedMessages readUnfinished(NumberReader in) throws IOException {
        long width = in.read();
        if (width < 1) {
            throw new IOException("bucket width must be at least 1 s, got " + width);
        }
        long size = count(in.read());
        TreeMap<Long, Long> buckets = new TreeMap<>();
        for (long i = 0; i < size; i++) {
            long bucket = in.read();
            buckets.put(bucket, unZigZag(in.read()));
        }
        return new UnfinishedMessages(width, buckets);
    }

    /** Maps a signed value to an unsigned one, small magnitudes to small numbers (0, -1, 1, -2 → 0, 1, 2, 3). */
    private static long zigZag(long value) {
        return (value << 1) ^ (value >> 63);
    }

    private static long unZigZag(long value) {
        return (value >>> 1) ^ -(value & 1);
    }

    private static long count(long value) throws IOException {
        if (value > MAX_ENTRIES) {
            throw new IOException("implausible entry count " + value);
        }
        return value;
    }
}
