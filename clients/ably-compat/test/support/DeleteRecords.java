import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code java -cp 'dev/target/lib/*' DeleteRecords.java BOOTSTRAP TOPIC PARTITION OFFSET}: deletes the
 * partition's records before OFFSET, as retention would (kafka.mjs's deleteRecords; kcat cannot).
 */
public class DeleteRecords {
    public static void main(String[] args) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]))) {
            var tp = new TopicPartition(args[1], Integer.parseInt(args[2]));
            var low = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(Long.parseLong(args[3]))))
                    .lowWatermarks().get(tp).get(30, TimeUnit.SECONDS);
            System.out.println(low.lowWatermark());
        }
    }
}
