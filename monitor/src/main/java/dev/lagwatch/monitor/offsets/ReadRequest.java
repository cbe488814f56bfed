package dev.lagwatch.monitor.offsets;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * A request for the first readable record of a partition at or after {@code start}.
 *
 * @param topicId the topic's id, which differs from that of an earlier topic of the same name
 * @param end the end offset; a read that reaches it without a record finds that none is readable
 * @param readCommitted whether to read as a {@code read_committed} consumer, skipping aborted records
 */
record ReadRequest(TopicPartition partition, Uuid topicId, long start, long end, boolean readCommitted) {

    /** Returns what identifies the record found, whatever the end offset is by now. */
    Key key() {
        return new Key(partition, topicId, start, readCommitted);
    }

    record Key(TopicPartition partition, Uuid topicId, long start, boolean readCommitted) {
    }
}
