from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "job_run" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(64) NOT NULL,
    "slot" VARCHAR(32) NOT NULL,
    "ran_at" TIMESTAMPTZ NOT NULL,
    CONSTRAINT "uid_job_run_name_15baa6" UNIQUE ("name", "slot")
);
COMMENT ON TABLE "job_run" IS 'A scheduled job (shift handover, …) that ran for a given slot: the unique key';
        ALTER TABLE "ticket" ADD "accepted" BOOL;
        ALTER TABLE "ticket" ADD "satisfaction" INT;
        ALTER TABLE "ticket" ADD "reported_at" TIMESTAMPTZ;
        ALTER TABLE "ticket" ADD "deadline_at" TIMESTAMPTZ;
        ALTER TABLE "ticket" ADD "due_phase" VARCHAR(16);
        COMMENT ON COLUMN ticket."accepted" IS 'repair accepted (验收)';
COMMENT ON COLUMN ticket."satisfaction" IS 'follow-up score 1-5';
COMMENT ON COLUMN ticket."reported_at" IS 'steward''s first report-back';
COMMENT ON COLUMN ticket."deadline_at" IS 'the deadline being chased';
COMMENT ON COLUMN ticket."due_phase" IS 'warn, breach, …';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "ticket" DROP COLUMN "accepted";
        ALTER TABLE "ticket" DROP COLUMN "satisfaction";
        ALTER TABLE "ticket" DROP COLUMN "reported_at";
        ALTER TABLE "ticket" DROP COLUMN "deadline_at";
        ALTER TABLE "ticket" DROP COLUMN "due_phase";
        DROP TABLE IF EXISTS "job_run";"""


MODELS_STATE = (
    "eJztXW1z2zYS/isYfqkzI2dsOXac3s3N2I6buo3tG9u99hp3FIiEJJ4pgCVAK2qT/34Lvp"
    "MiJZIiJYpmvkQmsCD4AFjsGxZ/K1OmEYO/Prd1Q9PpWPke/a1QPCXwY6GshxRsmmGJfCDw"
    "0HAqD6O1hlxYWBXwfIQNTuCRRrhq6abQGYWn1DYM+ZCpUNF9rffIpvqfNhkINiZiQiwo+P"
    "RJUdl0CgViLht3evfHH/BLpxr5QrisI/80nwYjnRha7Bt0TdI4zwdibjrPrqj4wakouzAc"
    "qMywpzSsbM7FhNGgtk6FfDomlFhYENm8sGz5TbLL3uf7n+l2P6zidjFCo5ERtg0RwWA4CJ"
    "8pg8HN7cPg/vJhMFAKoKYyKhGHrnLn68eyC/v9wzdv35wenbw5hSpON4Mnb7+5rw6BcQkd"
    "eG4elG9OORbYreFgHILq/L8A68UEW+m4+vUTyEKXk8j6OC6D1n8QYhtOsk2AO8VfBgahYz"
    "GBP4/6S5D8z9ndxY9nd3tH/VfyhQzWhLtYbrySvlMkwQ7BDSb7oNDcTZKtnsW7gHUFE1my"
    "htFT6jyO8ZU4zj8wi+hj+jOZO3BfQbcwVdNmscclL6Jt7RjM3/zJ5D8N+ZWFZwFXXZhjgA"
    "J8OxHu8j+7vzh7f6k4gA+x+jTDljbIQF62whdRP/fIfvj5jhjY+YxMwH+BJlqEtQMb67MI"
    "XDEgF4um/WnyCaZ47HySfLd808LkTNnfYzM3e4OPLZaVO7xyrVsWszjCKCBEbIRgU4cHdK"
    "SP0Ug3CNrjc1hWGsICwQqzxL5tvnqtJJBcu7EUqaITILYoQKgwvYoIEH79agSI7UJbs/jQ"
    "yWYBuIcHBznQhVqZ8DplKSJEni3OV4jW3Oai2teOjUbmVhedrxbhukboutLAnddMDpi81b"
    "5TKMF2Nhqth9C930QL4RG6+kTWnUIPTiNtWmd1ipTvsW7M7wkAINWiFLEyXmGpaKnJqgMe"
    "rbtSvvyIuUDuuCOfEvo4HRIL2RyEQEZBXNTwHO2BzGhiOofaU/IXoyRFwFy7tTUkTGi1yI"
    "btVW+dKHSaY68+zdypT1+tEDkNGGE5xQpI81GSzpySZU7JloXqZD8fLGabF9BMGusJC5ey"
    "nbGsNlD9eitZzhmaEs6hP0iX3MDZk5E6AW1TTFyVk2ocjZgFhS4v+d5RUT2+Il/UQ7J0gf"
    "1U1vIjtWCfmwPD8uUqv+Ue4gyoLWIawLsY0gX8xuqEcKclSx9PRECUxdI+KSbsotCPqawg"
    "O+hZgryXyL860/w2Nevo+OTdUaI0bVQDT/JogSfZSuDJgok+nPi5LRghSRsh7ufZvaFWNs"
    "j90yTKEZ5SAOg4VQuxPnmTA+qTN5lIy6I40BYzCpmM/PqbA1fxN+kC8Do06CtyNsTkjrsl"
    "vgE7LgAzwGIR7vdQIlWKDPYRo0wAr3mkr/0fOzjHl0D9cHV9ef9wdv1vR9Dg/E/Dwevs4V"
    "KW9J2n88TTveSwBI2gX68efkTyT/T77c2lAyfjYmw5bwzrPfyuyD5hW7ABZbMB1qKY+I/9"
    "RynWiGLu2xhNp2ys9t2KwFqzpuO2dWafXsJrG5taRV22depwV3TIbKpduzu2kqLIJWr0lm"
    "lzult3MI1UXqnSXT4Tax4oXxj5ojCC5nUo46A2CZhRGhoSeA5VKEwiGBUErydoAt0hlC/a"
    "kypsd6Ua9kTm6yld5/r4pehd7/r9o6O3/YOjk9PjN2/fHp8eBGxpsWgZfzq/+iBZVGyP6b"
    "SzRkhZcj0UwNer3mRovfaRSayQk0T4XGHM3x3mAf3dYTbqsmw3lWKloB7RJJWYE/gwqyDK"
    "MaIO5zw4C/IlRbR8gKcZ0rtXvwXoLlPELn97iOlgPoZ712e/vYrpYR9vbz741SOYX3y8PU"
    "9AbeK5wXDKhP7p/vYmY0cMSZKasK4KUPkNndcm0Cv/HNlUlagiGeEhdBDT5Gv/VdQ84Vjd"
    "8QzZplTbEebIIioB4VDLx9KXDJSEbvlAJcekF9eCZQPJgfJ7V8J6kSDtzBeNNl+AwizslF"
    "iKJTtMQFEXA1xQFZTYYtlBKXWCqWaUWk1xygoWUzMjflqxloiMWy4iSQQEpVbSDo1kLbKE"
    "ReRWDGsDeuAFA+ZWs1No2zAGdfMx+GxiFAE6IGgwuq5w5gVDfMcRm1GkTpiullO3Kwd9Ox"
    "6Gps3stjkYGobv+v4F6AG6+eXjx205GH5iwzubKimOBa+kt8yh8D82HFhepRyxYVydEM0G"
    "wQwBIdrjE30kkJTV2DOxeujR7h/0T165AV0Wpl401xhkWIq4wbyILs/S5xklE0FiVb/ikU"
    "7xE+FOLJhNEZNBr0RWnk0kBfy0sIFmzHoiFkcj3SJQNdsp4R8lka/qwsC6E9rNEHmqj5dx"
    "5ncBcP36LQS3+vNrwLfKWJgCqs641DiFuCEh47e2GLIvadKAV7JUGmBhnRzCgO+l26fEFn"
    "ITBfIxk/79IBwbppYNO7lOnU2ZQ49gB8KUY9e4jJ247BQhoKqmH6XgKogMM6dj4goNKnYO"
    "u+jiH+jz5yETrzWdm1iA2GF9/oykI4kvkQASO/6niF2Qki8CFqggU1P+70oHXYBCF6DQRH"
    "7bhY9vGuI64hGe4NOKQOzX36AP13cbF7JMAQ36irzgZqLpIjjBtP2Z/VKduVWIcrU4bW1r"
    "nGoHP2fMIJimD0lIlBiRIVDVNRTBk82ifn57+zGG+vlV0tHwy/X5JawDZwigki5ie2mz/a"
    "YpU94EKc7LJ7GLm6cnRKbgnCkiRkk2F1p/UK+guKbpKGIqSojmC7gu17xTyDsVvHEqeMxj"
    "x9Qnog1sKvQUx93y0U7SdtEHjR5pmcCgcAhCnKrBXtrmxiF4GvGg3BHWDPI2jETdpvnuhO"
    "WLYGwc9JMSYxwh6zauJo9vF9/Sxbd08S3KKo9WkPQwxacVTYiY7dWyorVW+rVuKUEWm8XP"
    "oTn0uph/HzqboJwzGU+CfiUX0q+EqYYeALaxhYGAIzFjsqGUg7P1vGLlGdpA5LK5e1SqC1"
    "/pshhtm//XbaxPzvkyKkqEto2g13G4sL3uP2UGzJXI7HIzSxfOD2C301K+qTqQl9EMBp4P"
    "ikbHJemae8xToTJoE/GJjFgH+IO8wY3A3+1pIQ9JQLFBzCeY8qK4Sxr0VQbjSp8loWUwry"
    "QDatwflTLNs12xAcHuOmIlwDK9ipPqGbkBTnt4hnUhA6TkxRFBmHS+Edq0w9Yxvvp2v+IW"
    "jhTyztLRZEtHZ7B8GcO8xUu9GrZ6q/ZfS3yKoRqh6ABt7CVpDUM5r7Vw6R1pocEwOYMrAD"
    "fnhWg7imtk0Ra2wW7ropAdgbrWe0Lca2dSDNTBfTTZ1ulAe81/3ZxjIHbS50t1Zf0b59Zo"
    "r7t0rllG5e5M5IvOIb7Dlnrh+bVSxdxlh6MShDVJu209JhUOwIw4FnhmElrMcL9AWFMQ1/"
    "aubarFUCwPKj6n8JOlxxZCog0eW/CB39lTC51lolOkG6GF9Mop0p3W10StzwMrRe0LYczW"
    "+8LQtJWKXzYMeQ6oR8OfvMNYUOdTfKn6BZ22tlFtzbl8s5C+FlA0925M5b/w7/r6/fv9G/"
    "hXxklcQ778xh+U3mHVrYmHQheT6VIyU3YU4O6Es7IxXWGC//JSDeSdzCFF+04v1XC2eawL"
    "B4xiszlK1s3nAvNZIya2xLRgpuA4VfvmdfU53eSV6YZ820A1MC+0G6aQtg/xGjjJkNliEP"
    "jPijCTOGWz+YkyZvL+aoa4bRLrWedM3qxGmXTFEanF8nwi9oYShBDK9RKGzRhdwweEMjRi"
    "hsFm+7bZJOwxZXQ+ZWmi+PLlEKXrsC837+3pFFuFLmWLkDQ32L4kt+8fHORg91Ark987ZU"
    "lRRmDdSJnd2eHeEZIdDvgeESccQx7t7jlJrntoSjQd+3Heay+EWsK8u7DfMkOxc2G/7t1e"
    "ZYY5TtkNc6OHGVQTGIRSqzlG2R3VaPIoQ1PMKHsBXoy0G+cmj7NqMF5yMUcIuzFu8hhrdp"
    "nTdSHVRkZ3k+7ctg1uUadmlKZ9BsbqTboSL3OCebFz9FGiBqOszLBFe2gIqpY6KaZI1m3Y"
    "1QjWDJ2W4l5x0p3ZoJzL+PzOoyGRJ7lVOYvWvyh551gbAIPdQDWYZM9pFy9mBh6lkTY2G7"
    "Jy4Fvwe+gwYt3voT5yg86snOux4tOmFjGZVU6lT5DuzvrzRuI75wo4LpD7IfsyUvDlrUCZ"
    "WoKP3Jt0Cqy+JFmD46WVwImAuMosgg73j7ez2LCqErNEPESErJzLZkNAw0LCuoX8/qK9R/"
    "sdPlUf7ZPjowoSlFTpPuNcH1OSnsk4O/F+nKrBc37DYa/NOH7RNJNw9Xu1G91dDNoEVTdp"
    "u5QbL+WkUNMYQiVHhe5A5Lu7unhQUnlDBQhHM+3u1jTOi2+CJXYpTTaV0iRNBKsA1iD1Rj"
    "txTYidaxwcVP0QwvLHBj9YzDYvvCD4lvDf2LzU6ZDZacb2IihduY1cu5kL2zM1Y0iFVwiX"
    "Byq8qriFAJFnQqs5pnv5nG9D3pkVV/9hXReyzBO7AaKrju0OyHPuCwXOTHkb4T6jxhxNdC"
    "6YNZcpljBym4KeOumMvWConveny821xaRN6zdXcc6m7uJqWbaJi6uLm+O7yLodsLa38Wyy"
    "wglBHm819BFR5wDsa4e//ux1v3BIeZ58Xv3sfF79hXxewLaZ5eJXAP44VaMHwddp0Vcvvx"
    "/8P+ei5G0F1R/gcpAslmwqStPg6Iqyh+RqSjQFkBXNDBinat0BleqzA44sNh0UT4WQIGvh"
    "nK4+VSArgXOMqEM5T0LGLynyZvaVun79FrCKZdJlHXfpSol/Eeolp9q8+rt7pK2Koajl0N"
    "p2buVsmnrVums5mwZwXjN/9r2cF2f3F2fvL7d1LafjtUoxpPnerGwLmu82y2E5QxM2JTJi"
    "6KR/NHq0j49Gb1/1kHc6FM0mhCKMAiXHDdwbwog66RJ0kWI8q6LF1Is2JTfU5FugApBa/r"
    "y1GJt2F21uNctedDjyxhFHSDbH0A8bDXA0DzordGupX7/JtpLGiN3w3Wkh79noBgRNhlfB"
    "3LtUwoticW/P5MjdC7avvfv8u5jkl6DqZL/Vsl90o1xT+juPNLVjIOeV/xITrKgEuBgLtq"
    "bnuX1xYCnaX5dEe3N++TNi6epESdEkvJKlugQO69SZRLuT1zcpr8u7bVMPHmXLQBGSJktB"
    "JYXM/vFxHtfn8XG271OWJbxCplnIHeRWbyG6h7lSlR0uSVV2uJiqDN4oUiOvs426EZLN23"
    "W3E6pRmQV3Qd7cpFHs2/8BtOLumw=="
)
