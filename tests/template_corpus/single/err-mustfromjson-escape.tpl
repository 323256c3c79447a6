{{ mustFromJson "{\"a\":\"\\x\"}" }}
