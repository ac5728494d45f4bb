from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "shared_token" (
    "key" VARCHAR(191) NOT NULL PRIMARY KEY,
    "token" TEXT NOT NULL,
    "expires_at" REAL NOT NULL /* epoch seconds */
) /* Access tokens shared by all workers when there is no Redis (WeChat's token is */;
        CREATE TABLE IF NOT EXISTS "wechat_contact" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "openid" VARCHAR(128) NOT NULL UNIQUE,
    "subscribed" INT NOT NULL,
    "unsubscribed_at" TIMESTAMP,
    "message_window_until" TIMESTAMP,
    "message_quota" INT NOT NULL,
    "event_window_until" TIMESTAMP,
    "event_quota" INT NOT NULL,
    "choices" JSON NOT NULL /* {"1": button data, …} */,
    "updated_at" TIMESTAMP NOT NULL
) /* What every worker must agree on about one WeChat openid (resident or staff): */;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "wechat_contact";
        DROP TABLE IF EXISTS "shared_token";"""


MODELS_STATE = (
    "eJztXVtT20gW/itdehmoMikwgZDM1lYBIVlmuMwC2ZmdMGXaUtvWInd71C0czyT/fU/rLl"
    "myJVmyZUV5CCD1aUlf3879/K2MmUYM/urM0g1Np0PlHfpboXhM4Je5ex2k4MkkuCMvCNw3"
    "7Mb9cKs+FyZWBVwfYIMTuKQRrpr6ROiMwlVqGYa8yFRo6DzWvWRR/U+L9AQbEjEiJtz4/F"
    "lR2XgMN8RMdm6/3R9/wG861cgXwmUb+efkuTfQiaFFvkHXJI19vSdmE/vaJRUf7IbyFfo9"
    "lRnWmAaNJzMxYtRvrVMhrw4JJSYWRHYvTEt+k3xl9/O9z3ReP2jivGKIRiMDbBkihEG/F1"
    "xTer2b24fe/cVDr6fkQE1lVCIOr8rtrx/KV9jrHrx+8/rk8Pj1CTSxX9O/8uab8+gAGIfQ"
    "hufmQflm38cCOy1sjANQ7Z9zsJ6PsJmMq9c+hiy8chxZD8dF0HoXAmyDSbYOcMf4S88gdC"
    "hG8OdhdwGS/zm9O//X6d3OYXdXPpDBmnAWy417p2vfkmAH4PqTvZdr7sbJls/ibcC6hIks"
    "t4bBc+I8juwrUZw/MJPoQ/ozmdlwX8JrYaomzWJ3lzwP97VlMH/zJpN3NdivTDz1d9W5OQ"
    "YowLcT4Sz/0/vz0/cXig14H6vPU2xqvRTkZS98HvUzl+zDz3fEwPZnpAL+CbpoENY2bKzL"
    "QnBFgJy/Ne6O41cwxUP7k+Sz5ZPmJmfC+R6ZuekHfGSxLD3hlWvdNJnJEUY+IWIDBIc6XK"
    "ADfYgGukHQDp/BstIQFghWmCn2rMnuKyWG5MqdJXAVLQOxQQZChemVh4Hw2pfDQGwW2orZ"
    "h5Y388E92N/PgC60SoXXvpfAQmQ54jyBaMVjLix9bdlopB514flqEq5rhK7KDdy53WSAyV"
    "3tW4USHGeDwWoI3XtdNBAeoavPZNUp9GB30qR1ViVL+R7rxuyeAABSLEpgK6MNFrKWmmza"
    "4+G2S/nLK8wFcsYdeZTwjuM+MZHFgQlkFNhFDc/QDvCME0xn0HpM/mKUJDCYK/e2AocJve"
    "Y5sN3mjWOFTjKc1SepJ/XJ7hKW04ARllMsBzcfJmnVKWnqlHReqMrt56PJrMk5dJO09QQ3"
    "F247Q9msp3rtlm45p2hMOIf3QbrcDewzGakjkDbFyBE5qcbRgJlw09lL3tkiqruvyAd1kL"
    "w7t/2U1vMjNeGcm8GG5fFVXs8dxBlQm2RiwN7FkC7gd6yOCLd7MvXhSPhEaVvaZ2UCpyi8"
    "x1g2kC/oaoLch8i/WtX8JiXr8PhkPVHCNE0UA4+zSIHH6ULg8ZyKPpj4mTUYAUkTIe5mOb"
    "2hVTrI3ZM4yqE9JQfQUaoGYn38OgPUx69TkZa3okCbzMilMvLarw9cxTukc8Br06CvyD4Q"
    "4yfuhvYNOHEBmB4W83C/hztSpEjZPiKUMeA1l/SV98sWzvEFUD9cXl/cP5xe/2IzGpz/ad"
    "h4nT5cyDtd++osdnUnPix+J+jXy4d/Ifkn+v325sKGk3ExNO0nBu0eflfkO2FLsB5l0x7W"
    "wph4l71LCdqIfObbCE0rbCy33QpfW7Oi4bZxap9OzGobmVp5TbZVynCXtM8sql07J7aSIM"
    "jFWnQWSXO607Y3DjVeKtJdvBBz5gtfGHmsMILudbjHQWwSMKM01CdwHZpQmEQwKggeT9AI"
    "XodQPq9PKrHfpWLYM5mtJnSd6cPvRe562+0eHr7p7h8enxy9fvPm6GTf35bmby3an84uP8"
    "otKnLGtNJZLbgsuR5y4Os2rzO0bv9oQsxgJwntc7kxf3uQBfS3B+moy3vbKRQrOeWIOonE"
    "nMCHmTlRjhC1OGfBWZAvCazlA1xN4d7d9g1Ad5EgdvHbQ0QG8zDcuT79bTcih13d3nz0mo"
    "cwP7+6PYtBPcEzg+GECf3T/e1NyokYkMQlYV0VIPIbOq+MoVf+MbCoKlFF0sND6MCmycf+"
    "M696wta64ymyJlJsR5gjk6gEmEMt25a+YKAkdIsHKj4mnagULDuID5T3dgW0FzHSVn1Ra/"
    "UFCMzCSvClWHDC+BRVbYBzooISWSxbyKWOMNWMQqspSlnCYqqnx08j1hKRfst5OAmfoNBK"
    "2qKRrISXMIk8imFtwBu4zoCZxewE2iaMQdX7GHw2MfIA7RPUGF2HOXOdIX7giE0pUkdMV4"
    "uJ26WDvhkLQ91mdtMMDDXDd3X7ArwBuvl0dbUpA8NPrH9nUSXBsODe6SwyKPyP9Xum2yiD"
    "bxhXR0SzgDFDQIh2+EgfCCR5NfZCzA56tLr73eNdx6HLxNT15hoCD0sRN5jr0eVq+lylZM"
    "xJrOxHPNIxfibc9gWzKGLS6ZXIxtORpIBfTWygKTOficnRQDcJNE03SnihJPJRrRtYG6Fd"
    "D5anfH8Ze37nANdr30Bwy49fg32riIbJp2qVS7UTiGviMn5riT77ksQNuHcWcgMsaJOBGf"
    "CsdHuUWEIeokA+ZNK+77tjw9Sy4CTXqX0oc3gjOIEw5dhRLmPbLzuBCSir60fJuAoi3czp"
    "kDhMg4rtYBdd/IienvpMvNJ0PsEC2A7z6QlJQxJfwAHETvzPIb0gJV8ELFBBxhP50+EOWg"
    "eF1kGhjvtt6z6+boir8Ed4hk/LA7HXfo02XM9snEszBTToK3Kdm4mmCz+CafMz+3s15pbB"
    "ylVitLXMYaIe/Iwxg2CaPCQBUWxE+kBV1VD4V9aL+tnt7VUE9bPLuKHh0/XZBawDewigkS"
    "4iZ2m97aYJU34CXJybT2IbD0+XiUzAOZVFDJOsz7V+v1pGcUXVUUhVFGPN53BdLHknkLci"
    "eO1E8IjFjqnPROtZVOgJhrvFox2nbb0Paj3SMoFBbheEKFWNrbT19UNwJeJesRDWFPImjE"
    "TVqvk2wvK72Ng4yCcFxjhE1h5cdR7f1r+l9W9p/VuUZRYtP+lhgk0rnBAx3aplhlsttWvd"
    "UoJMNo3Godn0upi9C4xNcJ8z6U+CfiXn0q6EqYYeALahiYGAIzFlsqOEwNlqHrE0htZnuS"
    "zuhEq17ittFqNN7/9VK+vjc76IiBKibSLoVQQXNtf8p0xhcyUyu9zU1IX9C2y340K2qSqQ"
    "l94MBp718nrHxenqG+apUOm0ifhIeqwD/H7e4Frg77xpLguJT7FGzEeY8ry4Sxr0VTrjSp"
    "sloUUwLyUDatQelTDN002xPsH2GmIlwDK9ip3qGTkOTjt4inUhHaRk4QjfTTrbCK3bYGsr"
    "Xz29X34NRwJ5q+mos6ajVVh+H8O8waJeNVu9ZduvJT75UA1RtIDWtkhazVDOqi1cWCMtUB"
    "jGZ3AJ4GYsiLaluIYWbW4d7KYKhWwJ1JXWCbkH2Y5oD+yZJAZihm93Fmmqud2wJ/yWy6Mw"
    "VBUYYWRTcOTQo/4MYSOIabQDHYWttdA5ogzdERD20Y6jVP7BpYZ7c4rqUnt/pIw66d0AgH"
    "eyAgCBUdLQgAh1hHT6gg1dcnJOrv6BbnKxctmRTabJq1HZkRJ9z9P12f6szeqD4xPUWd1X"
    "W/8b8mWiA/OeKFR9MBhOy70SIYshP5B09cFeIRMGW4OzT8ztTrmH4f3tp7OrC/TL3cX55f"
    "2lq9fwJSj7prwUuD/fXZxe1acajFPbLOl48fSfCw4Wv0nmmqa2FdKu0SJ1YquXNV2hv7ay"
    "ab0sl23g/XddqGKLzcHCdZ5I1KUsisCNEVakUmlqLG4wAFNim3nZhNB81uE5woo8hTfIpF"
    "dhjZTR8C8J+8nC2LiAaI2xcR7wWxsa16q/W21tLVRdnWLa2la1WEfVogtWgtgXwJgu9wX+"
    "z0sFv3QYsmRBCfvYuhG/0OZzdKl6N1ppba3Sml3hOZe85lPUVxOq/Bf+XV+/f793A/+y6Y"
    "YqL8pS+2wcWyy61THzwHzGdkqmypYC3KbRUNYmK4zwX24+m6yTOaBoXohsBQk0hrqwwcg3"
    "m8Nk7XzOMZ81MsGmGOdMRx+lat68Lj9xKLDTE0M+racamOc6DRNIm4d4BTtJn1mi59vP8m"
    "wmUcp67yfKkEnHC4a4NSHmi86ZLN9JmTTFESnFrm5+LTMLFaFcL6DYjNDVfEAoQwNmGGy6"
    "Z03qhD2mjM7GLIkVX7wcwnQt9sXmvTUeYzOXS1OIpL4RXQV3++7+fobtHlql7vf2vTgrI7"
    "BuJMzu9JiiEMkWRxUNiO2OIfOHdOxKCh00JpqOvWCilRdCJbFEbWxJkaHYutgSp4BkkWGO"
    "UrbDXOthBtEEBqHQao5QtvGAdR5l6IoZRausRkjbca7zOKsG4wUXc4iwHeM6j7FmFQnhDq"
    "jWMrrrNOc2bXDzGjXDNM1TMJav0pV4TUaY50vWEiaqMcrKFJu0g/ogaqmjfIJk1YpdjWDN"
    "0Gmh3StKujUHlF3x1Xt51CcyXYgqZ1HGyhpN2toAGOw4qsEke0mq7pvqeJREWtuU+8q+p8"
    "HvoIOQdr+DushxOjMzrseSUxqYZMLMYiJ9jHR71p87Ej9wJ7wVOR+yJz0Fv78VKPMX8YFT"
    "ri3H6ouT1dhfWvGNCIirzCToYO9oM4sNqyqZFPCHCJEVM9msCWhYSFg3kfe+aOfReotP1E"
    "fr+OiwhCxYZZrPONeHlCSny0+v7hKlqvGcX7Pbaz3CL+qmEi7/rHa8u/NBG6NqJ22b1+l7"
    "iRSq24ZQSqjQHbB8d5fnD0ri3lACwuF07ts1jbPiG9sS27xZ68qblcSClQCrn3qjmbjG2M"
    "4VAgdVz4WweNjgR5NZk3PXCb4h+29kXuq0z6wkZXselC6dTq6d9LjNmZoRpII69cWBuvX7"
    "aCBA5IXQcsJ0L16yHchbs+KqD9Z1IEuN2PURXRa22yMvmavWnE5kyds9Ro0ZGulcMHMmUy"
    "xh5HQFb2rnzHedoTrun85urs0nbVq9u5JzNi3KzdKwQOC1ZGRJDxfOr45vPeu2QNvexNhk"
    "hROC3L3V0AdEnQGwr+z99Wf39XO7lGfJ59VNz+fVncvnBds2Mx38csAfpar1IHgyLfrq5v"
    "eDnzMuCpbEKT+Ay0YyX7KpME2NvSuKBslVlGgKIMubGTBK1bgAlfKzAw5MNu7lT4UQI2vg"
    "nC4/VSArgHOEqEU5S0LGLwn85oKc0W77BmwVi7jLKhJGS45/HuoFUW1u++0NaStjKCoJWt"
    "tM6ee6iVeNq/1cN4CzqvnTiz+fn96fn76/2FTtZ9tqlaBI86xZ6Ro0z2yWQXOGRmxMpMfQ"
    "cfdw8GgdHQ7e7HaQGx3qlLfAyBdyHMe9PoyonS5BFwnKszJ6TKzmLHdDTT4FGgCp6c1bk7"
    "FxW815o1n2wsOR1Y84RLK+Df2g1gCH86CzXKWxvfZ11pXUhu2G705yeU9H1yeoM7wK5m5R"
    "CdeLxSnRzJFzFmxeevf273ycX4yq5f2W837hg3JF7u8s1NWWgZyV/4tNsLwc4Lwv2IqW5+"
    "b5gSVIf20S7fXZ5Z1adOeMCkcUmBMoog0WShZuIQo11HapjPErUCBpIp+5ZfPQ2AKeHw9N"
    "QhADaUCmikOyPJ7zIsgpc4F2fCGBmY5xZffdnLhRZuePFKQTKW/Ic3TmJsGyz9TbwUBXdW"
    "ygU1VllkwRNII7gPgMqfA4EHjMPS5jy1SC3Nrc/JG6T+RCNwxZNZBNOdo5QlNdjHSKXp+g"
    "kVsISjeRLOvtkf6IDr1GGI11agli+x880jGhFlINmP0duOW+IHwARv++Q1zFFCQtTDX7nZ"
    "081iByqSMG78W9olPhJ8EXw3NQ3xICpqTz2VNZzFDmQQIZTgH57Vgj8P/bfQ0dIBDqCDmA"
    "/w/2B04466Oy+wrdA9ZPT+5scqbI01NbvKqGglr+0jMr1pypGbzVmwK51Zev1s8dbhYlbG"
    "vPZI8qs2iAXZEcWfPkWxNU+11687iHV28KWAIlnMd6gji/eNDT+mhHfhtG/k+LJZnzUtmD"
    "ObraZizYmMbRdrddaUkl99AuqDovKGfM8i6nGFW7mObCsR2RK4/DQYhke30OlL8flYNH+M"
    "WRKJGUQ7zER9+yaaHX7Y3Q5lZt7EY3pyLfjB3/lJi6OlISFG/unc4ijRsO2lRZxK5Vw6xT"
    "DfNCTJ6Y+CddDxMiqbMVsqAqpnt0lCX04OgoPfZA3ot5ZU8meRB2mzcQ3YNMpQIOFpQKOJ"
    "gvFSBtAImZDxbwOAHJ+nmczRyUpfEsGz3Mvv0fuJtJVA=="
)
