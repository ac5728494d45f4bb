from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "console_link" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMPTZ NOT NULL,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "used_at" TIMESTAMPTZ,
    "via" VARCHAR(16) NOT NULL,
    "staff_id" INT NOT NULL REFERENCES "staff" ("id") ON DELETE CASCADE
);
COMMENT ON COLUMN "console_link"."via" IS 'telegram | wechat | cli';
COMMENT ON TABLE "console_link" IS 'A one-time sign-in link to the web console (``/console`` in a private chat, or';
        CREATE TABLE IF NOT EXISTS "console_session" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "key_hash" VARCHAR(64) NOT NULL UNIQUE,
    "csrf" VARCHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "last_seen_at" TIMESTAMPTZ NOT NULL,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "ended_at" TIMESTAMPTZ,
    "staff_id" INT NOT NULL REFERENCES "staff" ("id") ON DELETE CASCADE
);
COMMENT ON COLUMN "console_session"."csrf" IS 'the token every action must carry';
COMMENT ON TABLE "console_session" IS 'A signed-in browser: the cookie carries the session key, signed; only its SHA-256';
        ALTER TABLE "inbound_message" ADD "faq" VARCHAR(64);
        ALTER TABLE "ticket" ADD "nature" VARCHAR(16);
        COMMENT ON COLUMN inbound_message."faq" IS 'the FAQ entry that answered it';
COMMENT ON COLUMN ticket."nature" IS 'complaint: effective | communicative (定性)';
        CREATE INDEX IF NOT EXISTS "idx_ticket_communi_d66c23" ON "ticket" ("community_id", "created_at");
        CREATE INDEX IF NOT EXISTS "idx_ticket_even_kind_2c15f5" ON "ticket_event" ("kind", "at");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX IF EXISTS "idx_ticket_even_kind_2c15f5";
        DROP INDEX IF EXISTS "idx_ticket_communi_d66c23";
        ALTER TABLE "ticket" DROP COLUMN "nature";
        ALTER TABLE "inbound_message" DROP COLUMN "faq";
        DROP TABLE IF EXISTS "console_session";
        DROP TABLE IF EXISTS "console_link";"""


MODELS_STATE = (
    "eJztXetz2ziS/1dQ+hK7SvbacuK8rq7KcTyz2U3i3dhzs3erKRmiIIlrCtAQpBXtZv736w"
    "YfIimSIiVKgmjmg2OTaJBsvPr56/+0JmLALHn6wTWtgclHrXfkPy1OJwx+WbrXJi06nS7u"
    "4AWH9i3VuB9t1ZeOTQ0Hrg+pJRlcGjBp2ObUMQWHq9y1LLwoDGjoPda/5HLzd5f1HDFizp"
    "jZcOOf/2wZYjKBG84cO1dv99tv8JvJB+w7k9gG/5w+9oYmswaxbzAHSKOu95z5VF37xJ2f"
    "VEN8hX7PEJY74YvG07kzFjxsbXIHr44YZzZ1GHbv2C5+E76y//nBZ3qvv2jivWKEZsCG1L"
    "WcCA/6vcW1Vq/39fa+d3dz3+u1SnDNEBw5Dq8q1deP8BVOOucvX798c3H58g00Ua8ZXnn9"
    "h/foBWM8QsWer/etP9R96lCvheLxgqnq/yW2Xo+pnc7XoH2Cs/DKSc4GfMxjbXBhwdvFJN"
    "sFcyf0e89ifOSM4c+LTg4n/+fq2/Wfr74dXXSO8YEC1oS3WL76dzrqFjJ7wdxwsvdKzd0k"
    "2epZfAi8rmAi49YwfEydx7F9Jc7nn4TNzBH/K5srdn+C16LcSJvF/i55He3rwNj8RzCZgq"
    "uL/cqms3BXXZpjwAX4duZ4y//q7vrq401LMbxPjccZtQe9DM5jL3KZ6x98sp/++o1ZVH1G"
    "JsN/gS5qxGvFNtEREXbFGLl8a9KZJK9QTkfqk/DZ+KRgco6p8wE+OOOEj97OPeQNaNjrR1"
    "quOuhbV2RkC3dKkJL0hcsHZGY6Y/Lw8CfsR918eCBUEkrC6fVCEukw/Gz5ggibSHfK7CdT"
    "Clu+aCW4XP0Tulx1JTgQTGEWDoU9IUcgjQA5H5ojoMUGbTIbM05MhyA3JbSHz4cHwK9D05"
    "bO8WmrkDyjeGoLy9tb/Oc1As5eBZzYmBSVcuIDqbGo0wqmPvkRnfjJlVVE/Dm/LCD+nF9m"
    "ij94Ky7+hCugBOejNDozfk0Zs3omq6matnOsmN2p+0ctWPz2vAiP355nMxnvxbmsDqMedZ"
    "bZ/BH45JgTls7qKF2C1wOf8DT45QA5n8Po+09fbu7ur778DbufSPm7pbh1dX+Ddzrq6jxx"
    "9Sg58cNOyK+f7v9M8E/yf7dfbxQ7hXRGtnriot39/7XwnajriB4Xsx4dRHkSXA4upQxxP0"
    "WByF5JUZrdLaVWq+QhEWyq77xFX37TOiu0a53lbFtnjW7c6MZ67FZb1423qv6F/E9T/qKD"
    "k6P6xZqt1Pu+mLYNMmVU5yJiSBZaFChJFiNHcg4zZ0BA34JJZDsn7tTTm2Iq3qadpShhjX"
    "q1T/UKplcp2dNvX81puV/Wbtl63JjmFxLIWSEJ5CxHAjlTEsjSKVnEwhn4wza0ckadbwc2"
    "GpmWziVN1LcobsiqhBWzjtwy+ZPpKDZsyKtPYUcFWOXvjwfFKdDxzAHjmzoZvvnd1JRLIC"
    "YNh5tx6C7ooobscUzjkW06he5VJ3XdkVAY71HLpJJV4M+7wo7qxKrtanVcCot9NvljK1Wv"
    "W9xu52t2qmHPCloWcOoJzk7Q/EikOeInJidITByhdLIZ6xO/U3L08PAn//eHB2Iqn5ptPs"
    "HQ+k40Yad49KrsvssfHrwZR04mpC+cgPhEdfr16svNw8PxO3imNSemI8ndn69OOq8uiSnJ"
    "I5s678kTzO8BGQqbTEzuOky2u9yVoGgKUDcbBVNDBdMRj4z3xlSOy+hCcaraKZuXLwuoQ5"
    "cvM7UhvJUwx9oMWbGGiyNO2Tg5tHZysO9TE7pbY5jjlM0waz3MeKStMcYRsgoGWE81oRbj"
    "+2TSMqeh31xjD6XDLDay6YT8AJlQxWz9IIZlruetrDrEQqnW5dyUUZLGRbnaRZlhvSjtni"
    "xqwtCNvUVdk9F5pZdbUulhd0xK78uzdNigRbuIGisjjQtosqhhsgHqmH1bzCSz3/l+RfFo"
    "wn/Utk0m1SW/Y1AK522f7P2S1piizFb8hC73FdNTcsMHEr2dDw8LQQvU4CP4bthUHHbcJn"
    "ToMBsamAOlIfsKLHGVAovqMdB3uSVGwnVQm2YwlQeqm8Z1qqNmC1OjtF4bpWm02tVarbRT"
    "TpUc77TfXmcXagu3F2XfIOyJ2XMCuyLuNBNXOmoLmq8jNTUWhUYVWUsVsah04KBmfI2BTt"
    "I2Q631UDfGo+cxzL7cWHqQI3SN+UjnEW4MGo1BozFo5Bo0PlLTmt8x4CUOT4o9I96gnWfO"
    "GGBTkHMibVdaMz6DaES8oBUSUMI7TvrMJr7DmlAyoHNyZIjJlPI5wX3134KzlKjrjXvbwH"
    "YAvZZRwfzmtVNu3xTQr95kqldvjlcYE3xR+vcSW3qUpNnSs7b0/Ww/P2Oq+zV0k7b1LG7m"
    "bjsqXb5nBO0KGFAnTEp4Hy/4Ru3MXiq+M/byMNBGibEz1N9LPOunv6/ggzwrZIrhtKKeu9"
    "xmFp3DhhUEhQY9t4kUQG2zqTXH6CLTgd+pMfbNsbY5GjshUXY6fzT9OJIm6z8E/2qy+fdp"
    "M21SypuU8j2wuFPk9IZW2UzuvElyObKnlGB0nKqGvK7eEF0W/GP3uB+t4JAu4wZAGvKDqA"
    "NxHYv/FvaNxuL/HKxHnlRWznwUo9mWsnFogk6O+cgJM002tB9VmbKyS/4WtR/FJpZOBqRP"
    "XIGDfPHO61aKGpdo0c7T5UyvbW8SabxSobtR7uFA9YogoEH3JtyToDQ5MKEGpM/gOjThMI"
    "dgVAg8npExvA7jctmaVGG/K5WwRzbfTOX6YI6ei9b1ttO5uHjdObu4fPPq5evXr96chbvS"
    "8q287enDp59xh4qdMI1upoWMheuhBH/95jqz1u+fTJm92Eki+5wW+F+HohKXDbzWSSGW6E"
    "C2S3I5RtTwuQifHfY9RbK8h6sZsrvfvgbczVPDbv5xH9PAAh4efbn6x3FMC/t8+/XnoHmE"
    "59efbz8kETDp3BI0ZUL/5e72a8aJuCBJ6sGmgWkRlim35pxp/dfQ5V44IYKeOCaIafjY/y"
    "5rnFA2dzoj7hSVdkTstZnBQDgsCECXM1DIuvyBSo5JO64DYwfJgQrebg3bRYK0MV5obbwA"
    "fdlxU+ANck6YkGJbG+CSqtCKLZYDlFLHlA+stVZTnLIJI9N5LTGE8isjSYQEa62kAxrJrc"
    "gSNsOjGNYGvIGPY1RYzU6hrcMYbHsfg89mVhlGhwQac9cTzvxQiBeSiBknxliYxnrqduVM"
    "H9KUKKZslvvNdWf4T1d/J8Bve+7FvFAuZwxNpF7lk/17Sffj1dFtP6mbV0cz/m7u1YE3IF"
    "9/+fx5f26dEG0x1aUTxWLMc+fE2pVB6UIA3Xd+rJwXSDdhKo43jqJ8hECcXuxbaFSlhiFc"
    "vrTfVNt7l6v9zZVMwt52rOL2vP4itX2O4hV9gizq9Io+XR4t6aM6aBKadQzOa7Cgt+f2gc"
    "8q5ffx22vt+PE2mB/exrCOFFRJTP3eS0XtSAjVuVJUEzm2SmSqh8GoSSB+DsPcoM89g/Et"
    "VygrQqLzGdkUytJ6EVWjwOw3D76GLNUoDV4z7laXBZ+6I1TA2DL13A6UuTqXc/uL6H9zU0"
    "2J/p12nhnxX6Lfs93i+IjGmA1ciw0IEJIjOTaHDkGHu3hidpt03c5Z5/LY80/YlAdmO/OJ"
    "cSIt4Sfl+uGafmRpEiCx4kd0+YQ+KksigQ9VKP2Iesa9gt0SAdCoRWbCfmS2KtbNoGl2ZH"
    "lQIgsf1WTy7tVY2FQ326IzT83vEswN2teQudXX5YN9a50wQdqg3Gmr3WqC+nFrGO6UKkFm"
    "SR4I7+VKBCLaqoBIMIVjU/DAuydmMOvkC2KzkSkdRDeejQVelejFw9wu6SF4oDh1Su7R/Q"
    "dTmQX1dVIEgmof0OXQ3kL4UwKChvEYhrFIQkcwG6UDx//7OMSIAl1GQQHEBU+SmFD5iIjJ"
    "IJYgpEjMz4nvA7c9NBJoC9KDoqEWvEYbo5iFPfAAkxYIJdkCB34H3lSD2QgcjcChxZlYvc"
    "ChVmkZ7oYEWzIH7s/52yliA+xkmwA7SxZA/QEs1jC1qqOA/CAO43BewS9DOjGttZAsKnYD"
    "c+GksDs7qjlo3+RHlY5plsK1DdazQRQrfuDFiTQ2wraw1AO8Joo0KCwg4B4xJ1NhF435rN"
    "je7T17LedcgrTRYbTTYWIeOpV2t5YTNkbZDLPew4wVe0spCxGKBvJztfsqUN82dLL84ndz"
    "YMwt6mCJTKqyvpWIU8ui5qSCutPX2I82IsDGvN5q2elb1+mL7600a5N3p51ra1q0KWJp8k"
    "MrTjhzHXTaAPlIIChQiOAKA+FiRownLUl4I2AB5dIvcENVwHmajamirpUpyCs3zUfMc1IZ"
    "VOFjo1Xp4aEvnNOBKafUMcbMfnggiD4hczxOCYPPPyPJxBz0CThlHTaZ4v8taJoJP+tT/d"
    "YAHzXAR7oeFg0o7a5ZvA2cI/3zDEI4mlIJmECDFWU9yFQ2AHklhFzd+8x+riAxVahsWwGD"
    "ce1Ran79ByEsRnmGZhUSJUakD1TbGorwym65/uH29nOM6x8+JY19v3z5cAPrQA0BNDKd2F"
    "mqNx5LypSfgqCHzDrQw9OXM1P4nCkiRkl2Zyo4266gWJklNSm9L/E138qWQt6Y2rQ2tU1t"
    "gd2VWUFREm1XEIgStiMxPoOSCRCYJ3hBKbZk4Ltod7+8VGmi0vBCcSqN80y09ccFWmlvve"
    "IUGeR1GImmWrKWi+DQjhHYV9eRFyJkTWqkzuPboCg1KEra+OX0RVHy3EufKWetTOeTutte"
    "7YDqWUHDlV6oW84IXHJMrhyJ5IiqEOE2Fg4UfeEcYzyyaYz9hCLfveNVE4QVj+3lWIB4bD"
    "EK/S+5oiruH6sdcjZjA6SyMLNJEcpjL3QZo4um1GDkKIrD9EJizPWJCn22zImCYJLCB53r"
    "8sjrQUtfTpNkJNBphv4xDG+224gIFbwlEqpysG0yM7GOh3qy6rtcIcUm/rkpnbjvo6nxUt"
    "XASzUWFmxSZZi8oNBYGVU4oZGjASMYuBflun8FVR1JPZc7Zgogbr72kiBtNBidNRgunJ5X"
    "tqu0UTtGeTCj3IqjWGJqGIpkMwrilpqzGBrEiy3COk0ErEGQ5gXN9kovKPRwSuPzSlcuYV"
    "MBArpkMLIDGeQtqsh9Ja1vPA+247Fu4r3ruiQ1SU3+m79B3mGEZCtFaY83aOfp7aGbQIZt"
    "V6ruv6L+ylThSV9CmriwJimwl2EyLu2j/opaa4jhhRghqJCi3mxK6Ni0UKI6onwp8Kfi7r"
    "tcmohUgiAlnq6u4ErgVEH8d8wmxmRlX43H/QX9wWSIz0IkBjh2Bqpf2H8UwInV5bjiPJ2b"
    "HN0zi41sCq9wcbZQ4am/aalCemhs2BQjWQ+FsYawvtk6uj+Jemr6lN3Kl4gPRgR7Npt54+"
    "MuN6bb8HHbDDbhteq8LegOZmW1wtMFT57QjLw4r56fXoMnbOrw/2QJmpVyvKBJDP0QifQZ"
    "bqW9vEvKFBjME0A8bTTYH29/+fD5hvzt2831p7tPviITjq66iZcWAZ/fbq4+N7rKczneNN"
    "FVvvnoQmygEi9TlJVEi1xtxQ7b9oJ00ILqShriETnqui/ZOe26l52L1/DzzeUF/nz55phI"
    "Ovcj8fBB7zyfnbdb+3BDQS/p+sv2ntflR1TZVZRNGr2AZMEWRS0VRBPHWmL9uVJdwjdAAK"
    "aIy5LajDblWzR0EOLAlDoVAwK9j8Su+/b1Zafrvn7Lhm0if3fhtUFrdnCv0+E8fI6gHC3f"
    "oMq4gnvjJPiSzB2ungemZmAOB7+9bSSArIJ9uOXsXsCPgtFl64I+7HUQtgP5sKE050E8ps"
    "tx/r0VElykVaEgMQRtQjNq6BZU9KYzf7fADwiQLTn5lV17JT0HJDDNojTkzAR2JE+XpLXt"
    "PGJlHFZod3cls5uArH3LW3rY1/WKFqo+uTo559dgdpS2jkzvFAFQhFbZbO+k19KrZSBcaw"
    "abq4Igntkg1Suv3phNigmsO+A8AtRYdN4ri3ebpNMXzrLFPTjnMVobgP1hkRkt+O+9aRnO"
    "Lyh2yPMx5bIs35GG/MB6HhjOUzQoaqtgrWEIQdEgpZBAjxildYAzkMGwAKSXZOBhVh1RDF"
    "hD6xyK5mGllY3V6K2EKyknZpAjWt7skUJ+MA65Z+MLaJJbn98wN5UKtwWIsHvjYA0ZmpNT"
    "2pTUK2X+yy2pt0guTc7gCphb0Kp6oHzNMqsWyddNJkhviKVbt+TockC6CVzibFYGToHnC0"
    "5cwpR/ByowG9yLR8ZbKdb86O12nkFfqoY9J2y5Gn/YMEBfIIpCEo8eAxWotage6cVoK+OO"
    "KQkX5BsbwC9Hnu39hU8N95bs+ZX23uUqzBwTr6fTd4uw7iFzjDEx+RO1TBR4FWQxlryUm4"
    "d6+8U8ixos/Ob1C/CuLlk12+wfztqiIb8hgc5WUW3Dfdn3qQk6TtmIzzjZmhEuu7JIx3LW"
    "Njb5rBvUokn0n1cqPO14CczEOQdL2GTlifLFxCB8bxP2Kgii6TBIGARuD80R7M4WI0dyDi"
    "LtAHE0oKHtnLjT42WfcAX9NQF1ejl4m4qDW8QjqGNRPG285o4fY5JqcsorLJEg3JLlqa4l"
    "JhYDMGPKGy6mjJdzoi8R1q6+5lactlgH5illP8mFfF8Q7RDyPWD8wSK+N16CxqithfWqvZ"
    "5Ru4gFFp8FG0fPMvnjhnbYa6+rz9DTAQoqmZbD+I7gcUsyKaH/ahh253VWV56Z/Ml0FCc2"
    "ZNensKP6rOzE0W4Il2/qDlHGgyuvq7rOqcZvtIpDT8w2gTWDXlOtsgIn2zqGvWAJZtn3Ik"
    "t0hZmvRyNNCxSw9IxyEzbpMxtBdkPEOK8b0oefyuuz2JrJ0cPDn5SNjlzffrx5eFiGDK6o"
    "3y6HK/8SJvcvHL9XWXWDqPFwBMqKJNC3l+gbPgjkHryOjqTsPJLQMhpmIPyWLFjZpJdoZX"
    "1s0kua9BItmL4Ne43aFNeIJ43SNdGkWkeTeod0qaMhStKUt19tIAoP9Q2NQ6Fn9cDYW9Qy"
    "FJ1XZSvcb1Mi9nWtFFl4oYVlS8GLOiorxd9sjhYpeh7Nvw5KmaPwGLNPZt6IpACUK4DeSJ"
    "Cb+q9d1ElKebBDCn1jw1r/C/++fPn48eQr/EsqZPsRI/Uvu33AMrqOJYaX5nGLs1nrQBnc"
    "1Mtu5cveFXpPx/TffuH6opN5QVEHtNitV8oeoY2NpYW95IYCRMia+VxiPg8Y1huepO4fOV"
    "gFMar6zeuLToF5fdHJnNd4aynqYmrh09B1kVbGOgeXY5m0fhyvfifhIEOkFdHJi/8MKDTm"
    "72I6vCNsOGQqBor8IL7OZlD191HXfdV/i6ijZ53XBVEItr61Yw2HXobNI393j1PqvcG3Ro"
    "KpopLSnTL7yZTClm3CBUaLM7Q5bJ4hUOH+LxmX5hqxdzE6zQeECzIUliVmJ+5UJ95TLvh8"
    "ItJ0o/zlEKVreL/evHcnE2qXyrqLkOiLzbTm8ds5Oyuw3UOrzP1e3UvKlg41rZTZnY0OFC"
    "E5YHygIVNOf6wa31bA/20yYQOTBrBAGy+EraACNSgx6wzFwfn1mvoPz2KYVYTceqs5Rtkg"
    "e+k8ytCVsJ7WGuYEaTPOOo+zYQm55mKOEDZjrPMYD9x1wBgXVDsZ3T2A4ddmcMt6maM0Gl"
    "sktbGxI7+mYyrLwS5HiTTmcmtGbd4mfVC1jHE5RXLbht0BowPL5GvtXnHSgzmgVF3H4OVJ"
    "nyHwr4GzaKm0cf23NmAM9XJtYJI9MWt5DmRGgqWR7i5w9KzkmJ8FFvw2OY9Y99ukQ7wQwY"
    "JVk6oGJ7XZ2hWsEqSHs/78kXjhJ84Q70NOMK7z+a1ARCKXQ2oE+W5Fw7UTZBqn9LdCJwKR"
    "hrAZOT95tZ/FRg2DTdcIUImQreey2RGjYSFR0ybB+6In+S19Y3Tdy1cXFeDZV+k+k9Iccc"
    "bK5SgkqDSe8zuOQ9YDIUQ3k3D1Z7UXi1+OtQmqZtI2CO3PBcxGtw2hEjSbbyDyfft0fd9K"
    "3Rsq4HC0MONhTeOi/E1siQ0C/q4Q8NNEsArYWjSH8UD5mhA7N8G2CkIIE9pHCeSTn23hTq"
    "/9rISa7L8JdCaVaL4Zlz55nXzxCl3VZ2rGOCVcpy++b8ao27CPGjKIPbGNwau8bOCbp2IH"
    "8sGsuO2nVnssy8yvDjm6Ksm6x54K15++mk4ZH5wIbs3J2JSOsOeIAk6J1xW8qap+6QdDtf"
    "0/vd18sIwrvnl3RVK8Azdh6STtPDDhmuVp7wRCODubu7xxvomzOwDbex1Tx1uSMeLvtJY5"
    "ZMYcGHuqdtu/+q9fOsC8CAB9JxuAvrMEQA+buLA9/pVgf5xK60EINFzyw8eog//n0lmz1H"
    "X16VyKk+Ugt6I0GsdarJvDuCVkdGBZ2VIWcarapatUX85iaItJrzxSRYKshnO6+toWYg0+"
    "x4gaLhepIPI9Rd7MKXLmt6/BVpEnXW6jwhlK/Muszslx89sfboJbFUOxlRQ2X9sv5QaM0W"
    "zLZ31osGQ5jsAFbN2GFv/CSOWa8beoyT82sXSCLVQerBSjWuDZyramBS60InjdYzFROBSX"
    "nYth1311MXx93CZ+pqhXjZWSUMXxgvj6MKAKOsF0UgxpVfSYiq2Ne+EAnwINgNQOpq0txK"
    "QB0d4rBGJ0OIrGFEdIdheCdK41g6Nl+0QpRPKgvc6WEm2EbvjutPD3bO6GBDqzt0WlX8bA"
    "j2ghM9vE+tfeWbB/3T3Yv8vJfQmqJlpxtegXPSg3FP4+RLo6MCYXlf8SE6ysBBjx0RuGO6"
    "Ube6Fv/W5qxPLU8LkN2VS/0LkUFbkpMpVTsMwyqWQVFJe6wo7qutqaClwVBMVEN6+RKZ00"
    "tPeAobec3Qv4UWQH8/pig3rFqv6xhp3DW4MZxo5wgeZbPHo0bFfA7vHI5oQSpCOmJI9czL"
    "hXPYzMsOxXeEp5UjQ5ujjtnJ53zkCBvDs9Pzv3M7vfE+mF1SZsIBX2jjXLfGYMxAT4fKo+"
    "Fj0BDw/H76DJE0wai0wxPAnuvIcH4+OdmVB/SyJBsWHwHl3gbd8cucKVbUK5V/UstMTAe1"
    "L5yAaEjvAhGWaYpZCmWMIBPLepPrFb0wuyfImrOXEtbMfIiDuzE1SvsDYJdnXKA6sjR5tE"
    "sN0kgoV2gP0lKh0qX7MylTRwrnk6TYbQGSo8K4ROI2xXQOgMhK0Xkig6dHmBZGV6khvWqw"
    "3MGkrIA/lOyWkoxBljZjyiW+0lO6f486Lfdd/06Uv8aZwfv0uRQrf5uC4Pqjx7Pr2Hh7Dq"
    "M4WeUJyUzFnU0ZXAYu+xKNuev0Rx2HuXKSwK5kmd0sFrXR6oWW2/FbGoxL5cmwzMEb6fGM"
    "Jrtgn03kdJ28cZOSWgeRFbzJQ0HHz+exB8CWcz7/GqIDDIunilDZfCz1As8gRjv9gwnUMf"
    "T+IR3o6EzeBlCwrHjSC8S0E4Mv2WuZsfwZ8gPRh4nWcZyR8O1pOZEs+Vrfkk6TQOT2ypLf"
    "GH+tlDpPUfYVGN/XtPh/A+rp1meM3cwqIk+uKGzWzBR/5ppODtVSl43iZoYCnI+6ohXlDO"
    "WQNNdkF2MHtZy48M8k9yMqOBPQqEFiWNFBuCOm11DQb8sxjmwHFczh6SoGqwcXQwMtWcoa"
    "EM1S9pE10mbNirE+pY/VTFHNNogzBUOcJQZH1XwNmagwwtb4YFOCwiYWEbsrdEhNmBcjgh"
    "G5WGcVq2PBeBfwtCPwoOQ4kINr2256KjkIf9lm7+38ik/yu7HlPnWnDHs8IvmfXjDdp5pv"
    "0ZM6ApfmLYdqV5/1c0c6OtYE5mwn5kNpm40iEUVAVGBOi2WB4VzcfEexEipoybA3IUhmAI"
    "27M8pxjzq+y8y0HXRps1mtbnfuFHZWa/HQ5Nw6QWuTIM4WJZvDHcAY7PiQGPExNmn0jEUz"
    "cYmXiAW7LL/SdKx7QsQrEzSY5ekZnpjE1OXr4hYzTXe8Z+Zcj3Sd+Ti6ARJROTuw5TmDtd"
    "PmHcJYZlGo9tuOW/IHwAJX//RqRB+fEigIW7kz4GURFjLOC9pP+s2JPgi+E5pO86Dkxa77"
    "NnQESw9h856ra67qvLAYOfb88GBMNvLhk7h5/nZ0MvFKfbOj4ld8DrMBjHmyIPD40zQENn"
    "gDf7y5iHFxTVxMbsl73bB7yQbh9frV8aYj1OuMO6uMEA7NYaVSGSussXvFvHJrhMfjDW4W"
    "dpF/QPr94MeAmUcB6bKWlr+YOe1Ucz8ocw8r+7Ig20IlM8WKLT1tu2NxubgpjcaEml99As"
    "KJ0XlDdmZZdTgqpZTEv+aU/lWmZpNqxOhORwkXVa/+m2zrvwi6dREtRDgmJ/f2zsp94K5k"
    "7jS67tRrfk6thPSO0Vs01j3EoxvPl32nkWN7pos8rSlj2wjRlGLzPME7NlarG73DC9gKSG"
    "SUqdV68KmGKgVTbCLt5LYI/CoirBYb95Dbl7fnZWxNB1dpZt6MJ7ySww7qS6e3JknAXJ7m"
    "Wc/RyUlcksez3M/vh/KLxkpQ=="
)
