package dev.forgebus.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

/** {@code logging.format}: plain by default, json on request, anything else refused with its line. */
class LoggingConfigTest {

    @Test
    void without_a_logging_block_the_format_is_plain() throws ConfigException {
        assertThat(ConfigLoader.parse("server: { port: 8080 }\n", "forgebus.yml", name -> null).logging().format())
                .isEqualTo(LoggingConfig.Format.PLAIN);
    }

    @Test
    void format_json_is_read() throws ConfigException {
        assertThat(ConfigLoader.parse("logging: { format: json }\n", "forgebus.yml", name -> null).logging().format())
                .isEqualTo(LoggingConfig.Format.JSON);
    }

    @Test
    void an_unknown_format_or_key_is_refused_with_its_line() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.parse("server: {}\nlogging:\n  format: xml\n  colour: true\n", "forgebus.yml", name -> null));

        assertThat(e).isNotNull();
        assertThat(e.problems().stream().map(ConfigProblem::toString).toList())
                .anySatisfy(p -> assertThat(p).startsWith("forgebus.yml:3:").contains("format").contains("xml"))
                .anySatisfy(p -> assertThat(p).startsWith("forgebus.yml:4:").contains("colour"));
    }

    @Test
    void a_changed_format_is_reported_as_restart_only() throws ConfigException {
        ForgebusConfig before = ConfigLoader.parse("logging: { format: plain }\n", "forgebus.yml", name -> null);
        ForgebusConfig after = ConfigLoader.parse("logging: { format: json }\n", "forgebus.yml", name -> null);

        assertThat(ConfigChanges.between(before, after).restartOnly()).containsExactly("logging.format");
    }
}
