from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "chat_binding" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "chat_role" VARCHAR(16) NOT NULL /* stewards | supervisors */,
    "platform" VARCHAR(16) NOT NULL,
    "chat_id" VARCHAR(191) NOT NULL,
    "bound_at" TIMESTAMP NOT NULL,
    "bound_by" VARCHAR(160) NOT NULL /* platform:id */,
    "community_id" INT NOT NULL REFERENCES "community" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_chat_bindin_communi_3e3e84" UNIQUE ("community_id", "chat_role", "platform")
) /* A group chat bound with ``/bindgroup`` as a community's stewards' or supervisors' */;
        CREATE TABLE IF NOT EXISTS "invitation" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "code" VARCHAR(16) NOT NULL UNIQUE,
    "kind" VARCHAR(8) NOT NULL /* staff | group */,
    "chat_role" VARCHAR(16) /* stewards | supervisors */,
    "created_at" TIMESTAMP NOT NULL,
    "expires_at" TIMESTAMP NOT NULL,
    "used_at" TIMESTAMP,
    "used_by" VARCHAR(160) /* platform:id */,
    "community_id" INT REFERENCES "community" ("id") ON DELETE CASCADE,
    "staff_id" INT REFERENCES "staff" ("id") ON DELETE CASCADE
) /* A one-time code: for a staff member of the config (binds the platform account */;
        CREATE TABLE IF NOT EXISTS "occupant" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "name" VARCHAR(64) NOT NULL,
    "phone" VARCHAR(20),
    "role" VARCHAR(8) NOT NULL /* owner | tenant | family */,
    "note" TEXT NOT NULL,
    "source_row" INT /* its row in the last import */,
    "imported_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "unit_id" INT NOT NULL REFERENCES "unit" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_occupant_unit_id_ae5331" UNIQUE ("unit_id", "name")
) /* A person of the owners' register: who owns or lives in a unit. The phone is kept */;
CREATE INDEX IF NOT EXISTS "idx_occupant_phone_263506" ON "occupant" ("phone");
        CREATE TABLE IF NOT EXISTS "registered_unit" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "area" REAL /* 面积, square metres */,
    "imported_at" TIMESTAMP NOT NULL /* last seen in an imported register */,
    "unit_id" INT NOT NULL UNIQUE REFERENCES "unit" ("id") ON DELETE CASCADE
) /* What the owners' register (业户档案) says of a unit: that it is on the register */;
        CREATE TABLE IF NOT EXISTS "staff_account" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "platform" VARCHAR(16) NOT NULL,
    "platform_user_id" VARCHAR(128) NOT NULL,
    "bound_at" TIMESTAMP NOT NULL,
    "staff_id" INT NOT NULL REFERENCES "staff" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_staff_accou_staff_i_7ade84" UNIQUE ("staff_id", "platform"),
    CONSTRAINT "uid_staff_accou_platfor_235be5" UNIQUE ("platform", "platform_user_id")
) /* A staff member's platform account bound by invitation (``/start CODE``, */;
        CREATE TABLE IF NOT EXISTS "unit_alias" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "key" VARCHAR(64) NOT NULL,
    "community_id" INT NOT NULL REFERENCES "community" ("id") ON DELETE CASCADE,
    "unit_id" INT NOT NULL REFERENCES "unit" ("id") ON DELETE CASCADE
) /* A key a unit is known by in what residents write (3.2.1201, S.101 …; see */;
CREATE INDEX IF NOT EXISTS "idx_unit_alias_communi_ccb051" ON "unit_alias" ("community_id", "key");
        CREATE TABLE IF NOT EXISTS "unit_claim" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "verified_at" TIMESTAMP,
    "verified_via" VARCHAR(16) /* phone|phone_tail|staff */,
    "failures" INT NOT NULL /* wrong phone tails given, ever */,
    "card_at" TIMESTAMP /* when a steward was asked to check */,
    "updated_at" TIMESTAMP NOT NULL,
    "occupant_id" INT REFERENCES "occupant" ("id") ON DELETE SET NULL,
    "unit_id" INT REFERENCES "unit" ("id") ON DELETE SET NULL,
    "verified_by_id" INT REFERENCES "staff" ("id") ON DELETE SET NULL,
    "resident_id" INT NOT NULL UNIQUE REFERENCES "resident" ("id") ON DELETE CASCADE
) /* A resident's claim to their unit (``Resident.unit``) and its check (业主认证): */;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "invitation";
        DROP TABLE IF EXISTS "unit_claim";
        DROP TABLE IF EXISTS "staff_account";
        DROP TABLE IF EXISTS "unit_alias";
        DROP TABLE IF EXISTS "chat_binding";
        DROP TABLE IF EXISTS "registered_unit";
        DROP TABLE IF EXISTS "occupant";"""


MODELS_STATE = (
    "eJztXW1zm0i2/itd+hK7SvHacuI4mVu3ynE8s95N4r2J587eHU3JLdSSWKNuDQ1WtJP57/"
    "ecbkCAAIGEJITJB8eGPg2cfjuvz/mjNREDZsmT965pDUw+ar0jf7Q4nTD4Zelem7TodLq4"
    "gxcc2rdU4364VV86NjUcuD6klmRwacCkYZtTxxQcrnLXsvCiMKChfqx3yeXm7y7rOWLEnD"
    "Gz4cavv7YMMZnADWeOnau3++03+M3kA/aNSWyDf04fe0OTWYPIN5gDpFHXe858qq7dcudH"
    "1RBfod8zhOVO+KLxdO6MBQ9am9zBqyPGmU0dht07tovfhK/sfb7/mfr1F030K4ZoBmxIXc"
    "sJ8aDfW1xr9Xqf7+57X2/ue71WAa4ZgiPH4VWl+voRvsLLztmrN68uzy9eXUIT9ZrBlTd/"
    "6kcvGKMJFXs+37f+VPepQ3ULxeMFU9X/S2y9HlM7ma9++xhn4ZXjnPX5mMVa/8KCt4tJtg"
    "vmTui3nsX4yBnDn+edDE7+79WX679efTk67xzjAwWsCb1YPnt3OuoWMnvB3GCy9wrN3TjZ"
    "6ll8CLwuYSLj1jB8TJzHkX0lyucfhc3MEf87myt238JrUW4kzWJvl7wO93VgbP7Tn0z+1c"
    "V+ZdNZsKsuzTHgAnw7c/Tyv/p6ffXhpqUY3qfG44zag14K57EXucz19x7Zj3//wiyqPiOV"
    "4T9DFzXitWKb6IgQuyKMXL416UziVyinI/VJ+Gx8kj85x9R5Dx+ccsKHb2ce8gY07PVDLV"
    "cd9K0rMrKFOyVISfrC5QMyM50xeXj4C/ajbj48ECoJJcH0eiGJdBh+tnxBhE2kO2X2kymF"
    "LV+0Ylwu/wldrroSHAimMAuHwp6QI5BGgJwPzRHQYoM2mY0ZJ6ZDkJsS2sPnwwPg16FpS+"
    "f4pJVLnlE8tYWl9xbveY2As1cBJzImeaWc6EBWWNRp+VOffA9P/PjKyiP+nF3kEH/OLlLF"
    "H7wVFX+CFVCA82GaKjN+TRmzfCarqZq0c6yY3Yn7Ry1Y/PYsD4/fnqUzGe9FuawOox51lt"
    "n8AfjkmBOWzOowXYzXA4/wxP/lADmfwej72083X++vPv0Du59I+buluHV1f4N3OurqPHb1"
    "KD7xg07IL7f3fyX4J/nX3ecbxU4hnZGtnrhod/+vFr4TdR3R42LWo4MwT/zL/qWEIe4nKB"
    "DpKylMs7ul1GoVPCT8TfWdXvTFN63TXLvWaca2ddroxo1uXI3dauu68VbVv4D/ScpfeHAy"
    "VL9Is5V63yfTtkGmDOtcRAzJQosCJcli5EjOYeYMCOhbMIls56U71XpTRMXbtLMEJaxRr/"
    "apXsH0KiR7eu3LOS33y9otW48b0/xCAjnNJYGcZkggp0oCWTol81g4fX/YhlbOsPPtwEYj"
    "1dK5pIl6FsUNWRWzYtaRWyZ/Mh3Fhg15dRt0lINV3v54UJwCHc8cML6pk+GL101NuQRi0n"
    "C4GYe++l3UkD2OaTyyTafQveqkrjsSCuM9aplUshL8eVfYUZ1YtU2t7gM1rflXBgxA5TtB"
    "s4s2aGdpdwNs2pPhtitVvI9UOkQvEeJTwjtO+swmrgQ9THnQBnROjkBtm1I+J2ix/I/gLE"
    "HH27i3DZQ86LWIzOw1r502cplDXL5MFZYvj1dofRaMME6xAgp1mKQx2qUZ7fZjVPoJHevX"
    "0E3S1rO4mbntKOd8z/Db5YgmmDAp4X2IibuBEl+0498Za6sPH0gyFDbc1HvJO2Ul8vYVfF"
    "Ab3f00IYqgpJ673Iajbg4bli+C+j23iRRAbbOpBXuXwMgBm1FjzKTqyTZHYycgSg8eCDs7"
    "Q0457yH4VxM7sE/jVuPAbhzYe2BxJ8/pDa3Smdy5jHM5tKcUYHSUqoa8vniVg9UXr1I5jb"
    "eijC4aarT7KKOWf0gXcSEjDflO1IG4ng+59H0DTlxgzBpBGVHKJiyj0mEZWiorFiQQodmW"
    "snFogk5GgIAT2LU2jA4o00C2S/7mjQyITKwqhQXcchWK9Emf160ENS7Wop2ly5m6bW8Sar"
    "xSobt5YvY8UL1C8dbQvQn3JChNDkyoAekzuA5NOMwhGBUCj2dkDK/DuFy2JpXY70ol7JHN"
    "N1O53puj56J1ve10zs/fdE7PLy5fv3rz5vXlabArLd/K2p7e3/6EO1TkhGl0s0rIWLgeCv"
    "DXa15l1nr9kymzFztJaJ+rRLTxoajERQNRq6QQSwYfZhfkcoSo4XMePjvsW4JkeQ9XU2R3"
    "r30NuJulht388z6igfk8PPp09c/jiBb28e7zT37zEM+vP969j+fb0LklaMKE/tvXu88pJ+"
    "KCJK4Hm4YDCr9lyq05Z1r/NXS5gVwlGGLlmCCm4WP/u6hxQtnc6Yy4U1TaMT/QZgYD4TBn"
    "uHvGQCHrsgcqPibtqA6MHcQHyn+7NWwXMdLGeFFp4wXoy46bEEyRccIEFNvaAJdUhVZksR"
    "yglDqmfGCttZqilCUspmqGRtViLTFMHCgiSQQEa62kAxrJrcgSNsOjGNYGvIEXNZlbzU6g"
    "rcMYbHsfg89mVhFGBwQV5q4WzrxQiBeSiBknxliYxnrqdulM349/oWozu27+hYrxd3P/Ar"
    "wB+fzzx4/7czAEWQaJzoVwDkKWYyHSLkeQmODsJcpeBBPH3nlRWzqka8JURGk0e/AIE1B0"
    "FFZg3qOGIVy9LGOBYiX23uUqusyVTBLTOVYRZLq/EKbNURTJ5p3XdzKSTZeHoWxUB00OZB"
    "XDxJocyO05IOCzCnkgvPaVdkHoDea73hjWkYJKie7eO0TSjuTPKiMkNTFMq0Smepguvk1N"
    "6G6NYY5SNsNc6WHG3KY1xjhE1lggKz++xQCiQiRVPiMbgKhKL6JyFJhYrngxtoZJGpautH"
    "ilZOMXNnjVLCW/HbN3hWdVcjht4o5QAmOL4JgdKHOrDGP2N9H/4iaaEr077Swz4r9Fv2e7"
    "uW2I0hizgWuxAQFCciTH5tAh6PoVT8xuk67bOe1cHOvsUJty32xnPjFOpCW89FAvcNCLcY"
    "wZEst+RJdP6KOyJBL4UCIwg55hYwVULeFXm1pkJuxHZiuQagZN02OcfWgofFSTU9oU3KiG"
    "B7X85Ds1vwsw129fQ+aWj0cH+9Y6AWsBVWO9qJx2WxH8iTvDcKdUCTJL8kBwL1MiEOFWOU"
    "SCKRybgvvePTGDWSdfEJuNTOkw+x0cswKvSvTiYZaR1FgSKE6dkHt0/8FUhjNXwmE9TfIs"
    "lvuALof2FkOoCRA0jMcgoEISOoLZKB04/n+Igl0Ibs1RZrBBXNCSxITKRzZoExBLENwi4u"
    "fE94HbGhcD2oL0oGiopYph2MwQ9kBD9yywMtIFDter6NJU+GoEjuqcieULHGqVFuFuQLAl"
    "c+D+nL+dPDbATroJsLNkAaw+lMIaplZ1FJDvxGEcziv4ZUgnprUWpkLJbmAunAR2p8fX+u"
    "2bTJ3C0bVSuLbBejaIYvkPvChRhY2wLRNkB3hNFGlQWEDoN2JOpsJekpR2Y+/Wz17LORcj"
    "bXSYyukwEQ+dSgBbywkboWyGudrDjEi1hZSFEEUDPrnafeWrbxs6WWpW17Mdc7CEJtX65V"
    "MNi5qTEvCWr7GfyogAG/N6q3DLd67TF99aSdYmfaedaWtatMljafJCK15y5jrotAHykUB4"
    "mgBLFAbCZQNfWpLwRsACyiXVudFUBZwn2ZhK6lqZghyGZiM+YtpJZVCF1IxWpYeHvnBOBq"
    "acUscYM/vhgSAOgszwOMUMPr+G0lo56BNwyjpsMsX/W9A0FQjVo/qtgeBpIHiqelg08Ki7"
    "ZvE2EHeqn2cQAKMUyr0EGvKdeOCdbADySgD+ufeZ/VzhSspQ2bYCS+Lao8RM7/dCWIzyFM"
    "0qIIqNSB+otjUUwZXdcv393d3HCNff38aNfT9/en8D60ANATQynchZWm1kkIQpP2VBEa5D"
    "PDw9OTOBz6kiYphkd6aC0+0KiqVZUuPS+xJfs61sCeSNqa3SprapLbC7IisoTFLZFQSihO"
    "1IjM+gZAIE5ku8oBRbMvBctLtfXqpITmGgmyhVhfNMKuuP87XS3nplElLI6zAS2w6gaDJg"
    "n8UxAvvqOvJCiKxJjazy+DYoSg2KUmX8ctVFUdLupY+Us1aq80ndba92QPUsv+FKL9QdZw"
    "QuOSZXjkRyRFWIcBtL2Im+cI4xHtk0xl5Ckefe0XXtYMVjezkWIB5bjEL/S66okvvHunuc"
    "zdgAqSzMbFKE8liHLmN00ZQajByFcZheSIy5fqlCny1zoiCYpNDOLNrlodeDlp6cJslIoN"
    "MM/WMY3my3ERHKf0skVIVJ22RmYkUJ9WTVd7GSfk38c1PEb99HU+OlqoGXaiws2KSKMHlB"
    "UWFlVEGEho4GjGDgOsp1/wqqOpJ6LnfMBGjWbO0lRtpoMFXWYLhwerqAVGGjdoTyYEa5FU"
    "WxxNQwFMlmFMQtNWcxNIjnW4R1mgiIhp/kBU33Si8oquGUxucVrqHBpgIEdMlgZAfSz1tU"
    "kftKWt94HmzHY93Ee9d1SVYkNfkf3gb5FSMkWwlKe7RBO0tvD9wEMmi7UnX/BfVXpkogeh"
    "LSxIU1SYG9DJNxaR/1V9RaAwwvxAhBhRT1ZlNCx6aFEtUR5UuBPyV33+XSRKQSBCnRurqC"
    "K4FTxYEHYDYxJit7ajzuL+gPJkN8FiIxwLEzUP3C/qMATqwuxxWndW5ydM8sNrIpvML56U"
    "KFp96mpUq6obFhU4zkaiiMNYT1TdfRvUnUU9On6Fa+RHwwItiz2cwbH3exMd2Gj9tmsAmv"
    "VXFsQXcwK6sVnC548gRm5MV59fz0GjxhE4f/R0vQtJTjBU1s6IdIVJ3hVtrLu7hMgcE8Ps"
    "TTRoP94e7n9x9vyD++3Fzffr31FJlgdNVNvLQI+Pxyc/Wx0VWey/FWEV3li4cuxAYq8TJB"
    "WYm1yNRW7KBtz08HzamuJCEekaOu+4qd0a570Tl/Az8vL87x56vLYyLp3IvEwwe90z47vV"
    "t7cEN+L8n6y/ae1+VHVNlVlE0avYBkwRZFLRVEE8eqVv25Ul2CN0AAppDLktqMNuVbKugg"
    "xIEpdCr6BNU+Ervu2zcXna775i0bton83YXXBq3Zwb2uCufhcwTlaHkGVcYV3Bsn/pek7n"
    "D1PDArBuZw8NvbRgLIKtiHO87uBfzIGV22LujDXgdhO5APG0pzGuIxWY7z7q2Q4EKtcgWJ"
    "IWgTmlEDt6CiN535uwV+gI9syckv7FpFV4GA45tmURpyZgI7kidL0tp2HrEyDiuwu7uS2U"
    "1A1r7lrWrY16sVLVR+cnV8zq/B7DBtHZneyQOgCK3S2d5JrqVXy0C41gw2VwVBPLNBqlde"
    "vTGb5BNYd8B5BKix6LxXFO82TlddOMsW13DOY7Q2APuDIjOV4L9+0yKcX1DskOdjymVRvi"
    "MN+Y71PDCcJ29Q1FbBWoMQgrxBSgFBNWKU1gHOQAbDApA6yUBjVh1RDFhD6xyK5kGllY3V"
    "6K2EKyknpp8jWtzskUB+MA65Z+MLaJJbn98wN5UKtwWIsHvjYA0ZmpFT2pTUK2T+yyypt0"
    "gujc/gEpib06p6oHxNM6vmydeNJ0hviKVbt+ToYkC6MVzidFb6ToHnC05cwJT/FVRgNrgX"
    "j4y3Eqz54dvtLIO+VA17TtByNf6wYYC+QBSFJJoeAxWotageqWO0lXHHlIQL8oUN4JcjbX"
    "t/4VHDvSV7fqm9d7kKM8fE6+n03SKse8gcY0xM/kQtEwVeBVmMJS/l5qHeXjHPvAYLr3n9"
    "ArzLS1ZNN/sHszZvyG9AUGWraGXDfdm3qQk6TtGIzyjZmhEuu7JIR3LWNjb5rBvUUpHoP1"
    "0qPOl48c3EGQdL0GTlifLJxCB8vQnrCoJoOvQTBoHbQ3MEu7PFyJGcg0g7QBwNaGg7L93p"
    "8bJPuIT+moC6ajl4m4qDW8QjqGNRvMp4zR0vxiTR5JRVWCJGuCXLU11LTCwGYMaUN1xMGS"
    "/mRF8irF19za04bbEOzFPCfpIJ+b4g2iHku8/4g0V8b7wEjVG7Etar9npG7TwWWJM/mY6y"
    "B25ohb0NOqoP32MbryFcvqmxWql2V7qrAxTncnGqseqv4tATs01gzaDX1BIswQWyjtnFX4"
    "Jp1pfQEl1hhOnRUNMc5QW1yWTCJn1mIwRqgOeluyF9+Kls8outmRw9PPxFWVDI9d2Hm4eH"
    "ZUDXkvrtcrjyb2Fy78LxDyrnaRA27YxAlJQE+tZpmMGD4FTC62jmT4/yD+xWQXz4b/Fygk"
    "3wf6VsQ03wfxP8Xwmmb0ObVpviGtF+Ybom1q/SsX76kC50NIRJmuLjq9X34FDfUHUP/F4H"
    "xt68ent4XhWtP75NidjTtRJk4YUWli4FL6pcrBR/0zmapyR1ODvWLzSNwmPEerRWBepGSN"
    "zUgeii2lHIhRhQVDc4p/V/8O/Tpw8fXn6Gf3Gdaz+SYvXrHh+wGF7FGq9L87jF2ax1oAxu"
    "Cha3dua+GtP/eJXD807mBUUd4Dq3Xqp4hGY0lhR3kOmLDZE187nAfB4wLPg6Sdw/MpLFI1"
    "T1m9fnnRzz+ryTOq/x1pLbe2rh09A7kVRHOAMYYZm0fhzfwk6CmO29FC06ezOJUlZ7P2mN"
    "BFNF5KQ7ZfaTKYUt24QLjA5lqMVuHhFc4nYjGZfmGrE2EbqKDwgXZCgsS8xeutMq8Z5ywe"
    "cTkSSKZy+HMF3D+/XmvTuZULtQlk2IpLpYLGvu9p3T0xzbPbRK3e/Vvbgo41DTSpjd6Wgg"
    "IZIDxgMZMuVGxirRbQX03SYTNjCpDwOy8ULYCgpIgwqxzlAcnKeowXt/FsOsYq7WW80Ryg"
    "bJp8qjDF0J62mtYY6RNuNc5XE2LCHXXMwhwmaMqzzGA3cd8LUF1U5Gdw/g17UZ3KJOzTBN"
    "/QyM5Zt0kV/TMZXFYFbDRBXmcmtGbd4mfVC1jHExRXLbht0BowPL5GvtXlHSgzmgVB03/+"
    "VJnyHQp4GzaKmUaf23NmAM1dkbMMmeWEI5+tTAoyTS3YUinhYc81Pfgt8mZyHrfpt0iA46"
    "y1klpWwwQputXbEmRno4688biRdeKgbRH/ISIwWf3wpE5GE5pIafQZU3ADhGVuEU3lbgRC"
    "DSEDYjZy9f72exUcNg0zXiIUJk67lsdsRoWEjUtIn/vliv7i29NLruxevzEvCry3SfSWmO"
    "OGPFot5jVBWe8zsOe60GIkDVTMLln9U6ursYa2NUzaRtEJmfC3hF1TaEUtArvoDI9+X2+r"
    "6VuDeUwOFwIbbDmsZ5+RvbEhvE610hXieJYCWwNW9W3IHyNSZ2boBlY/ghhDHtowCWxk+2"
    "cKfXXhB8TfbfyLw0uUpd3oxLt7qTT7qwTX2mZoRTwnX64ttmjLoL+qghg9gT2xgOSeeX3j"
    "zlO5APZsVtP1lXsyw1Yzfg6Kq03R57yl1v9mo6ZXzwUnBrTsamdIQ9R9RfSnRX8Kaq2p0X"
    "DNX2/tS7+WAZR3jz7kqGEc6CC61ZIvBOQELT04WLm+ObyLoDsLbXMTe5JRkj3t5qmUNmzI"
    "GxJ2p//bv3+oVDyvNATHfSIaY7SxDTsG0LW/OvAPujVJUeBF+nJd89nDP4fy6dNYvZlp/A"
    "pThZDLYpTFPh6Ip1k+S2hH0MLCsKVh+lql2CSvmA9UNbTHrFoRBiZDWc0+Wj14s1+Bwhar"
    "icp0bAtwR5M6OMkde+BltFlnS5jRpGKPEvszojq81rf7gpbWUMxVaS1jz9vpDjL0KzLS/1"
    "oeFeZbj+FtBnG9r4c6NdV4y/eY38kYlVJeg75bNKMKP5vqx0+5nvNMuD+TwWE4bxQhed82"
    "HXfX0+fHPcJl5uqK63SEmg4uiwvT4MqAJLMJ0E01kZPSbiM+NeOMCnQAMgtf1pawsxaYCY"
    "94qxFx6OvFHEIZLdBR2dVZrB4cJcohCqtd++ypaSygjd8N1JAe/p3A0IqszeFpUeFL4Xw0"
    "JmtokVbvVZsH/d3d+/i8l9MaomPnG16Bc+KDcU/t6HujowJueV/2ITrKgEGPLKG4Y7pRv7"
    "ne+8bmrE8sSAuQ3ZVL9guQQVuSlUlFH0yjKpZCUUKLrCjuq62poqTiWEwYQ3r5EpnSQ4cZ"
    "+hd5zdC/iRZwfTfbFBvaJT/1zDzqHXYIqxI1ig2RaPHg3a5bB7PLI5oQTpiCnJIxczritQ"
    "kRmWjgpOKS1Fk6Pzk87JWecUFMivJ2enZ14u9w9E6kDamA2kxN6x7pXHjIGYAJ9P1MeiJ+"
    "Dh4fgdNHmCSWORKQYkwZ0f4MH4eGcm1N+SSFBsGLxHF3jbN0eucGWbUK4rZwWWGHhPKh+x"
    "JPoIH5JihomZWWIVDuC5TXmD3ZpekOVLXM2Ia2E7xkLcmZ2gfIW1SamrU+ZXHTnapH7tJv"
    "UrsAPsLzXpUPmalptUAeea1mlShM5A4VkhdBpBuxxCpy9svZBE0aHLCyQrU0tuWPPUN2so"
    "IQ/kOyWnoRBnjJnxiG61V+yM4s/zfte97NNX+NM4O36XIIVu83Fd7lcK1j69h4egcjCFnl"
    "CclMxZ1GKVwGL9WJRtz16hOKzfZQqLgmmpUzp4rct9NavttSIWldiXa5OBOcL3E0N4zTaB"
    "3vsoaXvIIicENC9ii5mShv3P/wEEX8LZTD9eFZUFWRevtOFS8BmKRVow9grW0jn08SQe4e"
    "1I0AxedhsR/o0gvKEgHJp+y9zNjuCPkR4MoM6zjOQPBuvJTIjnStd84nQVDk9sqS3xu/rZ"
    "Q2z170EZjf17T4fwPq6dZHhN3cLCJNVFCpvZgo+800gB2qty4rxN0MCSk/dlg7qgnLMGfu"
    "yC7GD2spYXGeSd5GRGfXsUCC1KGsk3BHXa6hrU92cxzL7juJg9JEbVoOFUwchUc4YGMlS/"
    "oE10mbBhb5VwxuqnKmaYRhtModIxhULruwTO1hxWaHkzzMFhEQoL25C9BSLMDpTDMdmoMH"
    "DTsuU5D+CbH/qRcxgKRLBVa3vOOwpZaG/J5v+NTPq/sOsxda4Fd7QVfsmsH23QzjLtz5gB"
    "TfETg7Yrzfu/oJkbbQVzMhP2I7PJxJUOoaAqMCJAt8WCqGg+JvpFiJgybg7IURCCIWxteU"
    "4w5pfZeZeDro02azStz71Sj8rMfjccmoZJLXJlGMLFQnhjuAMcnxMDHicmzH4pEUHdYGSi"
    "IbZkl3tPlI5pWYRiZ5IcvSYz0xmbnLy6JGM012tjvzLke6Q/kHO/ESUTk7sOUyg7XT5h3C"
    "WGZRqPbbjlvSB8ACX/84VIg/LjRQALdyd9DKIixljAe0nvWZEnwRfDc0jfdRyYtPqzZ0BE"
    "sNofOeq2uu7riwGDn29PBwTDby4YO4OfZ6dDHYrTbR2fkK/A6yAYR0+Rh4fGGVBBZ4Ce/U"
    "XMwwuKcmJj9sve7QNeSLePr9YvDKoeJdxhJVx/AA62yrzLF7xbxya4TH4w1uFnaRf0Dq/e"
    "DHgJlHAemwlpa9mDntZHM/KHMPK/uyIJtCJVPFiiq6y3bW82NgUqudGSSu6hWVBVXlB6zI"
    "oupxhVs5iW/NNa5VpmaTqsTojkcJF1Wn90W2dd+EVrlAT1EL+8358b+6m3grnT+JJru9Et"
    "uTr2E1J7xWzTGLcSDG/enXaWxY0u2qyytKUPbGOGqZYZ5onZMrG8XWaYnk9SwySlzuvXOU"
    "wx0CodYRfvxbBHYVEV4LDXvIbcPTs9zWPoOj1NN3ThvXgWGHcS3T0ZMs6CZPcyzn4OytJk"
    "lr0eZn/+P1zRbVg="
)
