package dev.lagwatch.monitor.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority, a broker certificate for 127.0.0.1 and a client certificate, all
 * created with the JDK's {@code keytool} in PKCS12 key stores valid for two days. The store
 * password is random, so that a test can look for it in logs.
 *
 * @param truststore the authority's certificate, for brokers and clients alike
 * @param brokerKeystore the broker's key and its certificate signed by the authority
 * @param clientKeystore a client's key and certificate signed by the authority, for mutual TLS
 * @param password password of every store and key
 */
public record TestCertificates(Path truststore, Path brokerKeystore, Path clientKeystore, String password) {

    public static TestCertificates create(Path directory) throws IOException, InterruptedException {
        String password = "store-" + UUID.randomUUID();
        Path ca = directory.resolve("ca.p12");
        Path caCertificate = directory.resolve("ca.pem");
        Path truststore = directory.resolve("truststore.p12");
        keytool(password, "-genkeypair", "-alias", "ca", "-dname", "CN=lagwatch test CA", "-ext", "bc:c",
                "-keystore", ca.toString());
        keytool(password, "-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(),
                "-file", caCertificate.toString());
        keytool(password, "-importcert", "-noprompt", "-alias", "ca", "-file", caCertificate.toString(),
                "-keystore", truststore.toString());
        Path broker = signedKeystore(directory, "broker", "SAN=ip:127.0.0.1,dns:localhost", ca, caCertificate, password);
        Path client = signedKeystore(directory, "client", null, ca, caCertificate, password);
        return new TestCertificates(truststore, broker, client, password);
    }

    private static Path signedKeystore(Path directory, String name, String extension, Path ca, Path caCertificate,
            String password) throws IOException, InterruptedException {
        Path keystore = directory.resolve(name + ".p12");
        Path request = directory.resolve(name + ".csr");
        Path certificate = directory.resolve(name + ".pem");
        keytool(password, "-genkeypair", "-alias", name, "-dname", "CN=" + name, "-keystore", keystore.toString());
        keytool(password, "-certreq", "-alias", name, "-keystore", keystore.toString(), "-file", request.toString());
        List<String> sign = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", "ca", "-keystore", ca.toString(),
                "-infile", request.toString(), "-outfile", certificate.toString()));
        if (extension != null) {
            sign.addAll(List.of("-ext", extension));
        }
        keytool(password, sign.toArray(String[]::new));
        keytool(password, "-importcert", "-noprompt", "-alias", "ca", "-file", caCertificate.toString(),
                "-keystore", keystore.toString());
        keytool(password, "-importcert", "-alias", name, "-file", certificate.toString(), "-keystore",
                keystore.toString());
        return keystore;
    }

    private static void keytool(String password, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", password));
        if (arguments[0].equals("-genkeypair")) {
            command.addAll(List.of("-keyalg", "RSA", "-keysize", "2048", "-validity", "2"));
        } else if (arguments[0].equals("-gencert")) {
            command.addAll(List.of("-validity", "2"));
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool " + arguments[0] + " failed: " + output);
        }
    }

    /** Client settings that trust the broker's certificate: for {@code SSL} and {@code SASL_SSL}. */
    public Map<String, String> trustSettings() {
        return Map.of(
                "ssl.truststore.location", truststore.toString(),
                "ssl.truststore.password", password,
                "ssl.truststore.type", "PKCS12");
    }

    /** Client settings of mutual TLS: trust as above, and the client's own certificate. */
    public Map<String, String> mutualTlsSettings() {
        return Map.of(
                "security.protocol", "SSL",
                "ssl.truststore.location", truststore.toString(),
                "ssl.truststore.password", password,
                "ssl.truststore.type", "PKCS12",
                "ssl.keystore.location", clientKeystore.toString(),
                "ssl.keystore.password", password,
                "ssl.keystore.type", "PKCS12");
    }

    /** Broker settings for TLS listeners: its key store, and the trust store to check client certificates. */
    public Map<String, String> brokerSettings() {
        return Map.of(
                "ssl.keystore.location", brokerKeystore.toString(),
                "ssl.keystore.password", password,
                "ssl.key.password", password,
                "ssl.keystore.type", "PKCS12",
                "ssl.truststore.location", truststore.toString(),
                "ssl.truststore.password", password,
                "ssl.truststore.type", "PKCS12");
    }
}
