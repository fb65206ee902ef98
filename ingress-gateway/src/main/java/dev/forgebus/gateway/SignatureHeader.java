package dev.forgebus.gateway;

/**
 * One signature header a forge may send: its name, the prefix its value must carry (empty
 * for Gitea's bare hex), and the HMAC algorithm it names.
 */
record SignatureHeader(String name, String prefix, String hmacAlgorithm) {

    static SignatureHeader prefixedSha256(String name) {
        return new SignatureHeader(name, "sha256=", "HmacSHA256");
    }

    static SignatureHeader prefixedSha1(String name) {
        return new SignatureHeader(name, "sha1=", "HmacSHA1");
    }

    static SignatureHeader bareSha256(String name) {
        return new SignatureHeader(name, "", "HmacSHA256");
    }
}
